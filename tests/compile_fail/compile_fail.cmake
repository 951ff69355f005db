# Runs one compile-fail case (see CMakeLists.txt):
#   cmake -DCXX=<compiler> -DSOURCE=<file.cpp> -DINCLUDE=<dir> [-DSYSTEM_INCLUDES=<a|b>]
#         -DMODE=ok|ko [-DMAX_ERRORS=3] -P compile_fail.cmake
# ok: the file must compile. ko: with -DHARDWIRED_SHOULD_FAIL it must not compile, the output
# must match every "// expect: <regex>" line of the file, and hold at most MAX_ERRORS "error:".

foreach(var CXX SOURCE INCLUDE MODE)
    if(NOT DEFINED ${var})
        message(FATAL_ERROR "compile_fail.cmake: -D${var}=... is required")
    endif()
endforeach()
if(NOT DEFINED MAX_ERRORS)
    set(MAX_ERRORS 3)
endif()

# Plain ASCII diagnostics without colour, whatever the user's environment.
set(ENV{LC_ALL} C)
set(ENV{LANG} C)
unset(ENV{GCC_COLORS})

set(args -std=c++20 -fsyntax-only -fdiagnostics-color=never
         -Wall -Wextra -Wpedantic -Werror "-I${INCLUDE}")
if(SYSTEM_INCLUDES)
    string(REPLACE "|" ";" SYSTEM_INCLUDES "${SYSTEM_INCLUDES}")
    foreach(dir IN LISTS SYSTEM_INCLUDES)
        list(APPEND args -isystem "${dir}")
    endforeach()
endif()
if(MODE STREQUAL "ko")
    list(APPEND args -DHARDWIRED_SHOULD_FAIL)
elseif(NOT MODE STREQUAL "ok")
    message(FATAL_ERROR "compile_fail.cmake: MODE must be ok or ko, not '${MODE}'")
endif()

execute_process(COMMAND "${CXX}" ${args} "${SOURCE}"
    RESULT_VARIABLE rc
    OUTPUT_VARIABLE out
    ERROR_VARIABLE out)
string(JOIN " " command "${CXX}" ${args} "${SOURCE}")

if(MODE STREQUAL "ok")
    if(NOT rc EQUAL 0)
        message(FATAL_ERROR "FAIL: ${SOURCE} must compile but does not.\n${command}\n${out}")
    endif()
    message(STATUS "ok: compiles cleanly")
    return()
endif()

set(problems "")
if(rc EQUAL 0)
    string(APPEND problems "  - it compiles, but with -DHARDWIRED_SHOULD_FAIL it must not\n")
endif()

file(STRINGS "${SOURCE}" expectations REGEX "^// expect: .")
if(NOT expectations)
    string(APPEND problems "  - the file has no '// expect: <regex>' line\n")
endif()
foreach(line IN LISTS expectations)
    string(REGEX REPLACE "^// expect: " "" regex "${line}")
    if(NOT out MATCHES "${regex}")
        string(APPEND problems "  - the output does not match: ${regex}\n")
    endif()
endforeach()

# Every line the compiler reports as an error, counted (notes and context lines are not). The
# output is C++: take ';' and brackets out before treating it as a CMake list.
string(REPLACE ";" "," plain "${out}")
string(REPLACE "[" "(" plain "${plain}")
string(REPLACE "]" ")" plain "${plain}")
string(REGEX MATCHALL "[^\n]*error: [^\n]*" error_lines "${plain}")
list(LENGTH error_lines errors)
if(errors GREATER MAX_ERRORS)
    string(APPEND problems
           "  - ${errors} 'error:' lines, more than ${MAX_ERRORS}: one mistake, one error\n")
endif()

if(problems)
    message(FATAL_ERROR "FAIL: ${SOURCE} with -DHARDWIRED_SHOULD_FAIL:\n${problems}"
                        "${command}\n--- compiler output ---\n${out}")
endif()
string(REPLACE ";" "\n  " shown "${error_lines}")
message(STATUS "ok: fails as expected with ${errors} error line(s):\n  ${shown}")

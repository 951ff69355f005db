# Compiles every examples/*.cpp, and consumers/wavenet_a1.cpp, as a consumer's build would, with
# the warnings most projects turn on and the instruction set that makes hardwired fast, at the
# optimization levels of CMake's Debug, RelWithDebInfo and Release builds, and fails on any
# warning or error:
#   <CXX> -std=c++20 -O<0|2|3> -Wall -Wextra -march=native -Werror -I<include dirs> -c <example>
# The warnings this guards against come from the optimizer after inlining (GCC 12's
# "'__Y' is used uninitialized" inside avx512fintrin.h, see include/hardwired/sym/intrinsics.hpp;
# a -Wrestrict report that only -O3 made; a -Wstringop-overflow report in the A1 WaveNet's
# training, consumers/wavenet_a1.cpp), so -fsyntax-only would not see them: each example is
# compiled to an object file. -O0 has its own: GCC's AVX-512 intrinsics that are macros without
# optimization (intrinsics.hpp again).
#   -DCXX=<compiler> -DSOURCE_DIR=<hardwired> -DWORK_DIR=<scratch>
#   -DINCLUDE_DIRS=<dir>|<dir>|…   hardwired's and its dependencies' include directories; the
#                                  compiler's own (/usr/include, /usr/local/include) are left out.
file(REMOVE_RECURSE ${WORK_DIR})
file(MAKE_DIRECTORY ${WORK_DIR})

set(flags -std=c++20 -Wall -Wextra -march=native -Werror)
string(REPLACE "|" ";" dirs "${INCLUDE_DIRS}")
list(REMOVE_DUPLICATES dirs)
foreach(dir IN LISTS dirs)
    if(dir AND NOT dir MATCHES "^/usr(/local)?/include/?$")
        list(APPEND flags -I${dir})
    endif()
endforeach()

file(GLOB examples ${SOURCE_DIR}/examples/*.cpp)
list(SORT examples)
if(NOT examples)
    message(FATAL_ERROR "no examples in ${SOURCE_DIR}/examples")
endif()
# Besides the examples, NAM's A1 WaveNet stepped and trained (compiled only).
list(APPEND examples ${SOURCE_DIR}/tests/consumers/wavenet_a1.cpp)

set(failed "")
foreach(level -O0 -O2 -O3)
    foreach(src IN LISTS examples)
        get_filename_component(stem ${src} NAME_WE)
        set(name "${stem}${level}")
        execute_process(COMMAND ${CXX} ${level} ${flags} -c ${src} -o ${WORK_DIR}/${name}.o
                        RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
        file(WRITE ${WORK_DIR}/${name}.log "${out}")
        if(NOT rc EQUAL 0)
            # The diagnostics' own lines, each once (";" would split the list).
            string(REPLACE ";" "," text "${out}")
            string(REGEX MATCHALL "[^\n]*(warning|error): [^\n]*" diagnostics "${text}")
            list(LENGTH diagnostics n)
            list(REMOVE_DUPLICATES diagnostics)
            list(JOIN diagnostics "\n  " shown)
            message("${stem}.cpp ${level}: failed (${rc}), ${n} diagnostic(s), full log "
                    "${WORK_DIR}/${name}.log\n  ${shown}")
            list(APPEND failed "${stem} ${level}")
        else()
            message("${stem}.cpp ${level}: ok")
        endif()
    endforeach()
endforeach()

if(failed)
    list(JOIN flags " " shown)
    list(JOIN failed ", " failed)
    message(FATAL_ERROR "${CXX} -O<level> ${shown} -c <example>: diagnostics in ${failed}")
endif()

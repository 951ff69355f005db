# Builds and runs a consumer project of hardwired, as a CTest case.
#   -DMODE=find_package|add_subdirectory -DSOURCE_DIR=<hardwired> -DBINARY_DIR=<its build>
#   -DWORK_DIR=<scratch> -DCXX=<compiler>
function(run)
    execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
    if(NOT rc EQUAL 0)
        message(FATAL_ERROR "failed (${rc}): ${ARGN}\n${out}")
    endif()
endfunction()

file(REMOVE_RECURSE ${WORK_DIR})
set(args -S ${SOURCE_DIR}/tests/consumers/${MODE} -B ${WORK_DIR}/build -DCMAKE_CXX_COMPILER=${CXX}
    -DCMAKE_BUILD_TYPE=Release)
if(MODE STREQUAL "find_package")
    run(${CMAKE_COMMAND} --install ${BINARY_DIR} --prefix ${WORK_DIR}/prefix)
    list(APPEND args -DCMAKE_PREFIX_PATH=${WORK_DIR}/prefix)
else()
    list(APPEND args -DHARDWIRED_SOURCE_DIR=${SOURCE_DIR})
endif()
run(${CMAKE_COMMAND} ${args})
run(${CMAKE_COMMAND} --build ${WORK_DIR}/build)
run(${WORK_DIR}/build/app)
if(EXISTS ${WORK_DIR}/build/app_embedded)
    run(${WORK_DIR}/build/app_embedded)
endif()

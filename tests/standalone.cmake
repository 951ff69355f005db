# Every public header compiles on its own (and twice in a row, for the include guard): one
# generated translation unit per header, all built into one object library that is part of
# the default build.
file(GLOB_RECURSE HARDWIRED_PUBLIC_HEADERS CONFIGURE_DEPENDS
    RELATIVE ${PROJECT_SOURCE_DIR}/include ${PROJECT_SOURCE_DIR}/include/hardwired/*.hpp)
# The optional headers that read general JSON need nlohmann::json (tests/CMakeLists.txt looks
# for it).
if(NOT nlohmann_json_FOUND)
    list(FILTER HARDWIRED_PUBLIC_HEADERS EXCLUDE REGEX "hardwired/io/(rtneural|nam)")
endif()
set(standalone_sources)
foreach(header IN LISTS HARDWIRED_PUBLIC_HEADERS)
    string(MAKE_C_IDENTIFIER ${header} stem)
    set(src ${CMAKE_CURRENT_BINARY_DIR}/standalone/${stem}.cpp)
    file(CONFIGURE OUTPUT ${src} CONTENT "#include <${header}>\n#include <${header}>\n")
    list(APPEND standalone_sources ${src})
endforeach()
add_library(hardwired_standalone_headers OBJECT ${standalone_sources})
target_link_libraries(hardwired_standalone_headers PRIVATE hardwired::hardwired hardwired_warnings)
if(nlohmann_json_FOUND)
    target_link_libraries(hardwired_standalone_headers PRIVATE nlohmann_json::nlohmann_json)
endif()

# No ODR violations: two translation units using the same templates, linked together.
add_executable(test_odr odr/tu1.cpp odr/tu2.cpp odr/main.cpp)
target_link_libraries(test_odr PRIVATE hardwired::hardwired hardwired_warnings)
add_test(NAME odr.two_translation_units COMMAND test_odr)

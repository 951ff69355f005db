# hardwired_embed_weights(<target> NAME <name> TYPE <network type> WEIGHTS <file>
#                         [FORMAT safetensors|nam|rtneural] [VALUE_TYPE float|double]
#                         [NAMESPACE <namespace>] [INCLUDES <header>...])
#
# Bakes a weight file into <target>: at build time a small program, built for the network type,
# reads the file with hardwired's loader (their checks included: a file that does not fit the
# type fails the build with the loader's message) and writes <name>.hpp, which holds the
# parameters as `inline constexpr hw::params<TYPE, VALUE_TYPE> <name>` (hw::io::embedded_header).
# <target> gets the header's folder on its include path:
#
#     hardwired_embed_weights(my_plugin NAME amp_weights
#         TYPE "hw::network<hw::input<1>, hw::lstm<16>, hw::dense<1>>"
#         WEIGHTS ${CMAKE_CURRENT_SOURCE_DIR}/amp.safetensors)
#     // my_plugin's source:  #include <amp_weights.hpp>  ...  hw::step(amp_weights, {x}, s)
#
# TYPE is C++ text in which `hw` is hardwired; a type declared in your own header is named there
# and the header given in INCLUDES (absolute, or relative to the current source folder). FORMAT
# defaults from the extension (.safetensors, .nam; .json and .aidax are RTNeural's). For .nam and
# RTNeural files the program needs nlohmann-json (Debian nlohmann-json3-dev); the header and
# <target> never do.

set(_HARDWIRED_EMBED_TEMPLATE "${CMAKE_CURRENT_LIST_DIR}/hardwired-embed.cpp.in")

function(hardwired_embed_weights target)
    cmake_parse_arguments(E "" "NAME;TYPE;WEIGHTS;FORMAT;VALUE_TYPE;NAMESPACE" "INCLUDES" ${ARGN})
    foreach(required NAME TYPE WEIGHTS)
        if(NOT E_${required})
            message(FATAL_ERROR "hardwired_embed_weights(${target}): ${required} is missing")
        endif()
    endforeach()
    if(NOT E_VALUE_TYPE)
        set(E_VALUE_TYPE float)
    endif()
    get_filename_component(weights "${E_WEIGHTS}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
    if(NOT E_FORMAT)
        get_filename_component(extension "${weights}" LAST_EXT)
        if(extension STREQUAL ".nam")
            set(E_FORMAT nam)
        elseif(extension STREQUAL ".json" OR extension STREQUAL ".aidax")
            set(E_FORMAT rtneural)
        else()
            set(E_FORMAT safetensors)
        endif()
    endif()
    if(NOT E_FORMAT MATCHES "^(safetensors|nam|rtneural)$")
        message(FATAL_ERROR "hardwired_embed_weights(${target}): FORMAT ${E_FORMAT} is not "
                            "safetensors, nam or rtneural")
    endif()
    if(NOT E_FORMAT STREQUAL "safetensors" AND NOT TARGET nlohmann_json::nlohmann_json)
        find_package(nlohmann_json 3 REQUIRED)
    endif()

    set(HARDWIRED_EMBED_NAME ${E_NAME})
    set(HARDWIRED_EMBED_TYPE "${E_TYPE}")
    set(HARDWIRED_EMBED_VALUE_TYPE ${E_VALUE_TYPE})
    set(HARDWIRED_EMBED_FORMAT ${E_FORMAT})
    set(HARDWIRED_EMBED_NAMESPACE "${E_NAMESPACE}")
    set(HARDWIRED_EMBED_INCLUDE_LINES "")
    set(HARDWIRED_EMBED_INCLUDE_LIST "")
    foreach(header IN LISTS E_INCLUDES)
        get_filename_component(header "${header}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
        string(APPEND HARDWIRED_EMBED_INCLUDE_LINES "#include \"${header}\"\n")
        string(APPEND HARDWIRED_EMBED_INCLUDE_LIST "\"${header}\", ")
    endforeach()

    set(dir "${CMAKE_CURRENT_BINARY_DIR}/hardwired_embed/${target}_${E_NAME}")
    configure_file("${_HARDWIRED_EMBED_TEMPLATE}" "${dir}/embedder.cpp" @ONLY)
    set(embedder ${target}_${E_NAME}_embedder)
    add_executable(${embedder} "${dir}/embedder.cpp")
    target_link_libraries(${embedder} PRIVATE hardwired::hardwired)
    if(NOT E_FORMAT STREQUAL "safetensors")
        target_link_libraries(${embedder} PRIVATE nlohmann_json::nlohmann_json)
    endif()
    target_compile_features(${embedder} PRIVATE cxx_std_20)
    set(header "${dir}/include/${E_NAME}.hpp")
    add_custom_command(OUTPUT "${header}"
        COMMAND ${CMAKE_COMMAND} -E make_directory "${dir}/include"
        COMMAND ${embedder} "${weights}" "${header}"
        DEPENDS ${embedder} "${weights}"
        COMMENT "hardwired: embedding ${E_WEIGHTS} as ${E_NAME}.hpp"
        VERBATIM)
    target_sources(${target} PRIVATE "${header}")
    target_include_directories(${target} PRIVATE "${dir}/include")
endfunction()

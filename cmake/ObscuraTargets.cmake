# obscura_add_module(NAME SOURCES ... [DEPENDS ...]): a module library with its public headers in include/.
function(obscura_add_module name)
    cmake_parse_arguments(ARG "" "" "SOURCES;DEPENDS" ${ARGN})
    add_library(obscura_${name} STATIC ${ARG_SOURCES})
    target_include_directories(obscura_${name}
        PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/include
        PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/src)
    target_link_libraries(obscura_${name} PUBLIC obscura_kernel ${ARG_DEPENDS})
    target_precompile_headers(obscura_${name} REUSE_FROM obscura_kernel)
endfunction()

# obscura_add_plugin(KIND NAME API SOURCES ... [LIBS ...]): obscura_<kind>_<name>.so, dlopen'd at run time and linked
# against its kind's header-only API. Only the C entry point is exported; no Asio/Beast and no kernel is linked in.
function(obscura_add_plugin kind name api)
    cmake_parse_arguments(ARG "" "" "SOURCES;LIBS" ${ARGN})
    set(target obscura_${kind}_${name})
    add_library(${target} MODULE ${ARG_SOURCES})
    set_target_properties(${target} PROPERTIES
        PREFIX ""
        CXX_VISIBILITY_PRESET hidden
        VISIBILITY_INLINES_HIDDEN ON
        LIBRARY_OUTPUT_DIRECTORY ${OBSCURA_PLUGIN_OUTPUT_DIR})
    target_link_libraries(${target} PRIVATE ${api} ${ARG_LIBS})
    target_link_options(${target} PRIVATE -Wl,--no-undefined)
    install(TARGETS ${target} LIBRARY DESTINATION lib/obscura/plugins)
endfunction()

# obscura_add_storage_plugin(NAME SOURCES ... [LIBS ...]): obscura_storage_<name>.so.
function(obscura_add_storage_plugin name)
    obscura_add_plugin(storage ${name} obscura_storage_api ${ARGN})
endfunction()

# obscura_add_blob_plugin(NAME SOURCES ... [LIBS ...]): obscura_blobs_<name>.so (a blob store).
function(obscura_add_blob_plugin name)
    obscura_add_plugin(blobs ${name} obscura_blobs_api ${ARGN})
endfunction()

# obscura_add_test(NAME SOURCES ... LABEL unit|integration|conformance|e2e [LIBS ...]): a doctest binary under CTest.
function(obscura_add_test name)
    cmake_parse_arguments(ARG "" "LABEL;TIMEOUT" "SOURCES;LIBS" ${ARGN})
    add_executable(${name} ${ARG_SOURCES})
    target_link_libraries(${name} PRIVATE obscura_test_main ${ARG_LIBS})
    target_compile_definitions(${name} PRIVATE
        OBSCURA_PLUGIN_DIR="${OBSCURA_PLUGIN_OUTPUT_DIR}"
        OBSCURA_BINARY="$<TARGET_FILE:obscura>"
        OBSCURA_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
    add_dependencies(${name} obscura)
    if(NOT ARG_TIMEOUT)
        set(ARG_TIMEOUT 300)
    endif()
    add_test(NAME ${name} COMMAND ${name})
    set_tests_properties(${name} PROPERTIES LABELS "${ARG_LABEL}" TIMEOUT ${ARG_TIMEOUT})
endfunction()

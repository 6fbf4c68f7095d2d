# Unity build (OBSCURA_UNITY_BUILD, used by the Dockerfile): CMake pastes up to 8 sources of a target into one
# translation unit, so two files of the same target that each define a file-local helper of the same name (in an
# anonymous namespace, or static) collide. Rather than keep a hand-written list that every new helper can break,
# each target's sources are scanned at configure time: a file defining a top-level name (function, constant, type
# or alias, written at column 0 as clang-format lays them out) that an earlier file of the same target defines
# too is compiled on its own. A false alarm only costs a little build speed. A collision the scan misses shows up
# as "redefinition of ... {anonymous}::name" in a unity_N_cxx.cxx: rename the helper, or list its file in
# OBSCURA_UNITY_EXCLUDE below.
if(NOT OBSCURA_UNITY_BUILD)
    return()
endif()

# Files (relative to the source root) never put into a unity file.
# private_mariadb.cpp: its file-local kPassword meets tests/support/api_session.hpp's obscura::test::kPassword.
set(OBSCURA_UNITY_EXCLUDE tests/integration/mysql/private_mariadb.cpp)

# The names a source file defines at namespace level: function definitions, constants, types and aliases, on
# lines that start at column 0 (members defined as `X::name(` are skipped: they cannot collide).
function(obscura_unity_names file out)
    file(STRINGS ${file} lines REGEX "^[A-Za-z_#]")
    set(names "")
    foreach(line IN LISTS lines)
        set(name "")
        if(line MATCHES "^(struct|class|union|enum|enum class|enum struct) +([A-Za-z_][A-Za-z0-9_]*)( |:|{|$)")
            set(name ${CMAKE_MATCH_2})
        elseif(line MATCHES "^using +([A-Za-z_][A-Za-z0-9_]*) *=")
            set(name ${CMAKE_MATCH_1})
        elseif(line MATCHES "^#define +([A-Za-z_][A-Za-z0-9_]*)")
            set(name ${CMAKE_MATCH_1})
        elseif(line MATCHES "^(namespace|return|using|template|typedef|extern \"C\" *{|#)")
            # nothing defined by this line itself
        elseif(line MATCHES "^[^(=]*[ *&]([A-Za-z_][A-Za-z0-9_]*) *(\\[[^]]*\\])? *(=|{)")
            set(name ${CMAKE_MATCH_1})  # a variable or constant
        elseif(line MATCHES "^[^(=]*[ *&>]([A-Za-z_][A-Za-z0-9_:~]*) *\\(")
            set(name ${CMAKE_MATCH_1})  # a function
        endif()
        if(name AND NOT name MATCHES "::" AND NOT name MATCHES "^(main|operator)$")
            list(APPEND names ${name})
        endif()
    endforeach()
    list(REMOVE_DUPLICATES names)
    set(${out} "${names}" PARENT_SCOPE)
endfunction()

function(obscura_unity_guard target)
    if(NOT TARGET ${target})
        return()
    endif()
    get_target_property(sources ${target} SOURCES)
    get_target_property(dir ${target} SOURCE_DIR)
    set(seen "")
    set(excluded "")
    set(why "")
    foreach(source IN LISTS sources)
        if(NOT source MATCHES "\\.(cpp|cc|cxx)$")
            continue()
        endif()
        cmake_path(ABSOLUTE_PATH source BASE_DIRECTORY ${dir} NORMALIZE OUTPUT_VARIABLE path)
        file(RELATIVE_PATH relative ${PROJECT_SOURCE_DIR} ${path})
        obscura_unity_names(${path} names)
        set(clash "")
        foreach(name IN LISTS names)
            if(name IN_LIST seen)
                set(clash ${name})
                break()
            endif()
        endforeach()
        if(clash OR relative IN_LIST OBSCURA_UNITY_EXCLUDE)
            list(APPEND excluded ${path})
            list(APPEND why "${relative} (${clash})")
        else()
            list(APPEND seen ${names})
        endif()
    endforeach()
    if(excluded)
        set_source_files_properties(${excluded} TARGET_DIRECTORY ${target} PROPERTIES SKIP_UNITY_BUILD_INCLUSION ON)
        list(JOIN why ", " text)
        message(STATUS "Unity build: ${target} compiles apart: ${text}")
    endif()
endfunction()

foreach(target obscura_kernel obscura_http obscura_auth obscura_images obscura_media obscura_app
               obscura_storage_sqlite obscura_storage_mysql)
    obscura_unity_guard(${target})
endforeach()

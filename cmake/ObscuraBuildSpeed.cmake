# Build-speed settings for 2-core machines: ccache, precompiled headers, optional unity build.
find_program(OBSCURA_CCACHE ccache)
if(OBSCURA_CCACHE AND NOT CMAKE_CXX_COMPILER_LAUNCHER)
    # PCH and ccache only cooperate with these sloppiness settings.
    set(ENV{CCACHE_SLOPPINESS} "pch_defines,time_macros,include_file_mtime,include_file_ctime")
    # CCACHE_BASEDIR makes paths relative, so clones and worktrees of the project share one cache.
    set(CMAKE_CXX_COMPILER_LAUNCHER ${CMAKE_COMMAND} -E env
        "CCACHE_SLOPPINESS=pch_defines,time_macros,include_file_mtime,include_file_ctime"
        "CCACHE_BASEDIR=${CMAKE_SOURCE_DIR}" ${OBSCURA_CCACHE})
    set(CMAKE_C_COMPILER_LAUNCHER ${CMAKE_COMMAND} -E env "CCACHE_BASEDIR=${CMAKE_SOURCE_DIR}" ${OBSCURA_CCACHE})
endif()

if(OBSCURA_UNITY_BUILD)
    set(CMAKE_UNITY_BUILD ON)
    set(CMAKE_UNITY_BUILD_BATCH_SIZE 8)
    # In a unity file every .cpp looks like a header to GCC, which then warns about each type of an anonymous
    # namespace used inside a named one (harmless here: each unity file is still one translation unit).
    add_compile_options($<$<CXX_COMPILER_ID:GNU>:-Wno-subobject-linkage>)
endif()

# Warnings and sanitizers for the project's own code. Third-party headers come in as SYSTEM include directories
# (imported targets, /usr/include, or -isystem where a path is added by hand), so none of this applies to them.
#
# OBSCURA_WERROR (default ON): the warnings below are errors, so a new one fails CI rather than piling up. A
# newer compiler than Debian 12's GCC 12 may warn about code GCC 12 accepts: turn it off there
# (-DOBSCURA_WERROR=OFF) and report the warning.
option(OBSCURA_WERROR "Treat warnings in Obscura's own code as errors" ON)
# OBSCURA_SANITIZE: AddressSanitizer + UndefinedBehaviorSanitizer on every target (server, plugins, tests).
# Built in its own tree (scripts/test.sh uses build-asan/); tests/sanitizers/ holds the runtime options.
option(OBSCURA_SANITIZE "Build with -fsanitize=address,undefined (its own build directory)" OFF)

# Beyond -Wall -Wextra: the flags the code already passed when they were added (docs/ci.md lists those left
# out and why). C++ only: the one C file (tests/support/fault_injection) casts dlsym()'s result, which ISO C
# calls pedantic.
set(OBSCURA_CXX_WARNINGS -Wshadow -Wconversion -Wnon-virtual-dtor -Wold-style-cast -Wcast-qual -Wformat=2 -Wpedantic
    -Woverloaded-virtual -Wsuggest-override -Wextra-semi -Wmissing-declarations -Wredundant-decls)
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    list(APPEND OBSCURA_CXX_WARNINGS -Wduplicated-cond -Wduplicated-branches -Wlogical-op)
endif()
add_compile_options(-Wall -Wextra -Wno-unused-parameter "$<$<COMPILE_LANGUAGE:CXX>:${OBSCURA_CXX_WARNINGS}>")
if(OBSCURA_WERROR)
    add_compile_options(-Werror)
    # GCC 12's optimizer warns inside libstdc++'s inlined std::string code (e.g. `"x" + std::move(s)`: GCC bugs
    # 105329, 105651) and about string_view reads of a short string's inline buffer. These stay visible in the
    # log but do not fail the build; everything else -Wall -Wextra finds does.
    if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
        add_compile_options(-Wno-error=restrict -Wno-error=stringop-overflow -Wno-error=array-bounds
                            -Wno-error=maybe-uninitialized)
    endif()
endif()

if(OBSCURA_SANITIZE)
    # -O1 keeps stack traces exact enough and the run fast; -g1 (line tables) is all symbolizing needs and
    # builds much faster than full debug info. No NDEBUG: assertions run too.
    set(obscura_sanitize_flags -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
    add_compile_options(${obscura_sanitize_flags} -O1 -g1)
    add_link_options(${obscura_sanitize_flags})
endif()

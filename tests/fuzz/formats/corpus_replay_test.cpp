// Replays the committed fuzz corpus through the fuzz target's entry point in the ordinary (GCC) build.
#include <doctest/doctest.h>

#include <cstdint>
#include <filesystem>

#include "test_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

TEST_SUITE("images.fuzz_corpus") {
    TEST_CASE("every committed corpus input of this fuzz target keeps its invariants") {
        auto dir = std::filesystem::path(obscura::test::sourceDir()) / "tests/fuzz/corpus" / OBSCURA_FUZZ_CORPUS;
        REQUIRE(std::filesystem::is_directory(dir));
        int replayed = 0;
        for (const auto& entry : std::filesystem::directory_iterator(dir)) {
            if (!entry.is_regular_file()) continue;
            auto bytes = obscura::test::readFile(entry.path().string());
            CAPTURE(entry.path().filename().string());
            // Invariant violations abort the process, which CTest reports as a failure naming the input.
            CHECK(LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()) == 0);
            ++replayed;
        }
        CHECK(replayed >= 4);
    }
}

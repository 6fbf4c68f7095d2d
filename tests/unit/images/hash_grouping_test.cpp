// Multi-index hashing (duplicates/hash_grouping.hpp) against the plain all-pairs answer: the same pairs, each once,
// at every distance, on random hashes with planted near copies; components join chains; the cap stops early.
#include "duplicates/hash_grouping.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <bit>
#include <random>
#include <set>
#include <tuple>

using namespace obscura::images;

namespace {

std::set<std::tuple<std::uint32_t, std::uint32_t, int>> allPairs(const std::vector<std::uint64_t>& h, int d) {
    std::set<std::tuple<std::uint32_t, std::uint32_t, int>> out;
    for (std::uint32_t i = 0; i < h.size(); ++i)
        for (std::uint32_t j = i + 1; j < h.size(); ++j)
            if (std::popcount(h[i] ^ h[j]) <= d) out.emplace(i, j, std::popcount(h[i] ^ h[j]));
    return out;
}

}  // namespace

TEST_SUITE("images.hash_grouping") {
    TEST_CASE("band probing finds exactly the pairs an all-pairs comparison finds, each once, at every distance") {
        std::mt19937_64 random(22);
        std::vector<std::uint64_t> hashes;
        for (int i = 0; i < 300; ++i) {
            const std::uint64_t h = random();
            hashes.push_back(h);
            // A near copy with 1..12 random bits flipped.
            std::uint64_t copy = h;
            const int flips = 1 + static_cast<int>(random() % 12);
            for (int f = 0; f < flips; ++f) copy ^= std::uint64_t{1} << (random() % 64);
            hashes.push_back(copy);
        }
        for (int d : {0, 1, 3, 4, 6, 7, 8, 11, 12, 15, 16, 19, 20, 24}) {
            CAPTURE(d);
            const auto found = pairsWithin(hashes, d, 1'000'000);
            CHECK_FALSE(found.truncated);
            std::set<std::tuple<std::uint32_t, std::uint32_t, int>> got;
            for (const auto& p : found.pairs) {
                CHECK(p.first < p.second);
                CHECK(got.emplace(p.first, p.second, p.distance).second);  // never twice
            }
            CHECK(got == allPairs(hashes, d));
        }
    }

    TEST_CASE("components join chains of pairs and leave singletons out") {
        std::vector<HashPair> pairs = {{0, 1, 1}, {1, 2, 1}, {4, 5, 2}};
        const auto groups = componentsOf(7, pairs);
        REQUIRE(groups.size() == 2);
        CHECK(groups[0] == std::vector<std::uint32_t>{0, 1, 2});
        CHECK(groups[1] == std::vector<std::uint32_t>{4, 5});
    }

    TEST_CASE("a distance that pairs everything stops at the cap and says so") {
        std::vector<std::uint64_t> hashes(100, 0x5555);
        const auto found = pairsWithin(hashes, 64, 50);
        CHECK(found.truncated);
        CHECK(found.pairs.size() == 50);
    }
}

// Duplicate grouping at scale, the in-memory part of GET /api/duplicates (duplicates/hash_grouping.cpp): N random
// 64-bit hashes plus planted near copies (1-6 bits flipped), paired by band probing at distance d. The reference is
// the all-pairs comparison, timed on the same machine at a size it can finish (alternating rounds), and
// extrapolated by N²; every round checks that both find the same pairs there.
//   grouping_bench [N=1000000] [d=6] [rounds=3] [referenceN=20000]
#include <algorithm>
#include <bit>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <vector>

#include "duplicates/hash_grouping.hpp"

using obscura::images::pairsWithin;
using Clock = std::chrono::steady_clock;

namespace {

std::vector<std::uint64_t> library(std::size_t n, std::uint64_t seed) {
    std::mt19937_64 random(seed);
    std::vector<std::uint64_t> hashes(n);
    for (auto& h : hashes) h = random();
    // One photo in a hundred has a near copy somewhere in the library.
    for (std::size_t i = 0; i + 1 < n; i += 100) {
        std::uint64_t copy = hashes[i];
        const int flips = 1 + static_cast<int>(random() % 6);
        for (int f = 0; f < flips; ++f) copy ^= std::uint64_t{1} << (random() % 64);
        hashes[(i + n / 2) % n] = copy;
    }
    return hashes;
}

double seconds(Clock::time_point since) { return std::chrono::duration<double>(Clock::now() - since).count(); }

std::size_t allPairs(const std::vector<std::uint64_t>& h, int d) {
    std::size_t found = 0;
    for (std::size_t i = 0; i < h.size(); ++i)
        for (std::size_t j = i + 1; j < h.size(); ++j) found += std::popcount(h[i] ^ h[j]) <= d;
    return found;
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
    const std::size_t n = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1'000'000;
    const int d = argc > 2 ? std::atoi(argv[2]) : 6;
    const int rounds = argc > 3 ? std::atoi(argv[3]) : 3;
    const std::size_t refN = argc > 4 ? std::strtoull(argv[4], nullptr, 10) : 20'000;
    const auto big = library(n, 1);
    const auto small = library(refN, 2);
    std::vector<double> banded, bandedSmall, reference;
    std::size_t pairs = 0;
    for (int r = 0; r < rounds; ++r) {
        auto t = Clock::now();
        const auto found = pairsWithin(big, d, 10'000'000);
        banded.push_back(seconds(t));
        pairs = found.pairs.size();
        t = Clock::now();
        const auto smallFound = pairsWithin(small, d, 10'000'000);
        bandedSmall.push_back(seconds(t));
        t = Clock::now();
        const std::size_t expected = allPairs(small, d);
        reference.push_back(seconds(t));
        if (expected != smallFound.pairs.size()) {
            std::fprintf(stderr, "MISMATCH at N=%zu: all-pairs %zu, banded %zu\n", refN, expected,
                         smallFound.pairs.size());
            return 1;
        }
    }
    const double scale = (static_cast<double>(n) / refN) * (static_cast<double>(n) / refN);
    std::printf("N=%zu d=%d: banded %.3f s (median of %d), %zu pairs\n", n, d, median(banded), rounds, pairs);
    std::printf("N=%zu: banded %.4f s, all-pairs %.3f s (ratio %.0fx); all-pairs extrapolated to N=%zu: %.0f s\n", refN,
                median(bandedSmall), median(reference), median(reference) / median(bandedSmall), n,
                median(reference) * scale);
    return 0;
}

#pragma once
// Which of many 64-bit perceptual hashes lie within a Hamming distance of each other, without comparing all pairs:
// multi-index hashing over the same four 16-bit bands the database indexes (obscura/storage/dupes_repository.hpp).
// Two hashes within d bits agree to within floor(d / 4) bits in at least one band (pigeonhole), so each hash is
// compared only with the hashes filed under its band values' neighbours: 1 value a band for d ≤ 3, 17 for d ≤ 7.
// With 1,000,000 spread-out hashes a band value holds about 15 of them, so d = 6 costs about 1,000 comparisons a
// hash instead of 1,000,000 (bench/RESULTS.md has the times). Pure computation: no storage, no threads.
#include <cstddef>
#include <cstdint>
#include <vector>

namespace obscura::images {

struct HashPair {
    std::uint32_t first = 0;  // indexes into the hashes given, first < second
    std::uint32_t second = 0;
    int distance = 0;
};

struct HashPairs {
    std::vector<HashPair> pairs;
    bool truncated = false;  // stopped at maxPairs (a distance so large that nearly everything matches)
};

// Every pair of hashes at most maxDistance (0..64) bits apart, each pair once, at most maxPairs of them.
HashPairs pairsWithin(const std::vector<std::uint64_t>& hashes, int maxDistance, std::size_t maxPairs);

// Connected components of the pairs over n items (union-find), each sorted, components with two or more items only,
// in order of their smallest item.
std::vector<std::vector<std::uint32_t>> componentsOf(std::size_t n, const std::vector<HashPair>& pairs);

}  // namespace obscura::images

#include "duplicates/hash_grouping.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <numeric>

namespace obscura::images {

namespace {

constexpr int kBands = 4;
constexpr int kBandBits = 16;
constexpr std::size_t kBandValues = std::size_t{1} << kBandBits;
// From this probe radius on (d ≥ 20), the neighbours of a band value (6,885+) cover most of the table: compare all.
constexpr int kCompareAllFrom = 5;

int bandOf(std::uint64_t hash, int band) { return static_cast<int>((hash >> (kBandBits * band)) & 0xFFFF); }

void neighbours(int value, int radius, int firstBit, std::vector<int>& out) {
    out.push_back(value);
    if (radius == 0) return;
    for (int bit = firstBit; bit < kBandBits; ++bit) neighbours(value ^ (1 << bit), radius - 1, bit + 1, out);
}

// One band's hashes filed by band value (counting sort): the indexes with value v are
// order[start[v] .. start[v + 1]), and sorted[k] is hashes[order[k]] (read in order, no jump back into hashes).
struct BandIndex {
    std::vector<std::uint32_t> start;
    std::vector<std::uint32_t> order;
    std::vector<std::uint64_t> sorted;
};

BandIndex indexBand(const std::vector<std::uint64_t>& hashes, int band) {
    BandIndex index;
    index.start.assign(kBandValues + 1, 0);
    for (auto h : hashes) ++index.start[static_cast<std::size_t>(bandOf(h, band)) + 1];
    std::partial_sum(index.start.begin(), index.start.end(), index.start.begin());
    index.order.resize(hashes.size());
    index.sorted.resize(hashes.size());
    std::vector<std::uint32_t> next(index.start.begin(), index.start.end() - 1);
    for (std::uint32_t i = 0; i < hashes.size(); ++i) {
        const auto slot = next[static_cast<std::size_t>(bandOf(hashes[i], band))]++;
        index.order[slot] = i;
        index.sorted[slot] = hashes[i];
    }
    return index;
}

HashPairs compareAll(const std::vector<std::uint64_t>& hashes, int maxDistance, std::size_t maxPairs) {
    HashPairs out;
    for (std::uint32_t i = 0; i < hashes.size(); ++i) {
        for (std::uint32_t j = i + 1; j < hashes.size(); ++j) {
            const int d = std::popcount(hashes[i] ^ hashes[j]);
            if (d > maxDistance) continue;
            if (out.pairs.size() >= maxPairs) {
                out.truncated = true;
                return out;
            }
            out.pairs.push_back({i, j, d});
        }
    }
    return out;
}

}  // namespace

// Two builds of the hot loop, chosen once at load time (ifunc): with the POPCNT instruction where the CPU has it
// (every x86-64 since 2008), the plain one elsewhere — the project targets baseline x86-64, where std::popcount is a
// dozen instructions. At 1,000,000 hashes: 3.9 s of CPU without, 2.4 s with (bench/RESULTS.md).
__attribute__((target_clones("popcnt", "default"))) HashPairs pairsWithin(const std::vector<std::uint64_t>& hashes,
                                                                          int maxDistance, std::size_t maxPairs) {
    maxDistance = std::clamp(maxDistance, 0, 64);
    const int radius = maxDistance / kBands;
    if (radius >= kCompareAllFrom) return compareAll(hashes, maxDistance, maxPairs);
    HashPairs out;
    std::vector<int> probes;
    for (int band = 0; band < kBands; ++band) {
        const BandIndex index = indexBand(hashes, band);
        // Hashes are visited in band order, not input order: all hashes filed under one value probe the same
        // neighbouring buckets one after the other, so those stay in cache (at 1,000,000: 17 s of CPU → 4).
        int probed = -1;
        for (std::uint32_t k = 0; k < index.order.size(); ++k) {
            const std::uint32_t i = index.order[k];
            const std::uint64_t h = index.sorted[k];
            if (bandOf(h, band) != probed) {
                probed = bandOf(h, band);
                probes.clear();
                neighbours(probed, radius, 0, probes);
            }
            for (int value : probes) {
                const auto v = static_cast<std::size_t>(value);
                for (auto m = index.start[v]; m < index.start[v + 1]; ++m) {
                    const std::uint32_t j = index.order[m];
                    if (j <= i) continue;  // each pair from its smaller index only
                    const std::uint64_t x = h ^ index.sorted[m];
                    const int d = std::popcount(x);
                    if (d > maxDistance) continue;
                    // Found through an earlier band already? Then that band reported it.
                    bool earlier = false;
                    for (int b = 0; b < band && !earlier; ++b)
                        earlier = std::popcount(static_cast<unsigned>(bandOf(x, b))) <= radius;
                    if (earlier) continue;
                    if (out.pairs.size() >= maxPairs) {
                        out.truncated = true;
                        return out;
                    }
                    out.pairs.push_back({i, j, d});
                }
            }
        }
    }
    return out;
}

std::vector<std::vector<std::uint32_t>> componentsOf(std::size_t n, const std::vector<HashPair>& pairs) {
    std::vector<std::uint32_t> parent(n);
    std::iota(parent.begin(), parent.end(), 0u);
    auto find = [&parent](std::uint32_t x) {
        while (parent[x] != x) x = parent[x] = parent[parent[x]];
        return x;
    };
    for (const auto& p : pairs) {
        const auto a = find(p.first), b = find(p.second);
        if (a != b) parent[std::max(a, b)] = std::min(a, b);
    }
    std::vector<std::vector<std::uint32_t>> byRoot(n);
    for (std::uint32_t i = 0; i < n; ++i) {
        // Only items in some pair can be in a component of two or more.
        byRoot[find(i)].push_back(i);
    }
    std::vector<std::vector<std::uint32_t>> out;
    for (auto& members : byRoot) {
        if (members.size() >= 2) out.push_back(std::move(members));
    }
    return out;
}

}  // namespace obscura::images

#pragma once
// Near-duplicates and related photos (DESIGN.md section 11, migration module "dupes"): one 64-bit perceptual hash
// per image, the pairs of images their owner dismissed as "not duplicates", and the candidate queries behind
// GET /api/assets/{id}/related. Hashes are derived data (the media module computes them from thumbnails; a backfill
// job fills in older assets), so they are not among the copyable tables; dismissals are the owner's own decision
// and are.
//
// The hash is indexed split into kHashBands bands of 16 bits (columns band0..band3, each indexed with its owner).
// Two hashes within Hamming distance d differ in at most d bits, so (pigeonhole) at least one band differs in at
// most floor(d / kHashBands) bits: findSimilarHashes probes, in each band, every value within that many bits of the
// query's band — 1 value for d ≤ 3, 17 for d ≤ 7, 137 for d ≤ 11 — and only the rows so found are compared in full.
// With uniformly spread hashes a band value holds 1/65536 of the owner's rows (15 of 1,000,000).
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "obscura/base/expected.hpp"

namespace obscura::storage {

inline constexpr int kHashBands = 4;
inline constexpr int kHashBandBits = 16;

// Band b of a hash: bits 16·b … 16·b + 15.
inline int hashBand(std::uint64_t hash, int band) {
    return static_cast<int>((hash >> (kHashBandBits * band)) & 0xFFFF);
}

struct PerceptualHashRecord {
    std::string assetId;
    std::string ownerId;
    std::uint64_t hash = 0;
    // Where the photo was taken (its EXIF GPS, copied here so "nearby" has an index); nullopt when unknown.
    std::optional<double> latitude;
    std::optional<double> longitude;
};

struct HashedAsset {
    std::string assetId;
    std::uint64_t hash = 0;
};

struct HashMatch {
    std::string assetId;
    std::uint64_t hash = 0;
    int distance = 0;  // Hamming distance to the hash looked for
};

// An asset that has a ready thumbnail but no hash yet (the backfill's work list).
struct UnhashedAsset {
    std::string assetId;
    std::string ownerId;
};

// Two asset ids, first < second (the repository orders them).
using AssetPair = std::pair<std::string, std::string>;

class DupesRepository {
public:
    virtual ~DupesRepository() = default;

    // Records (or replaces: idempotent) the image's hash, its bands and place. NotFound when the asset is gone.
    virtual Status putPerceptualHash(const PerceptualHashRecord& record) = 0;
    // nullopt when the asset has no hash (yet).
    virtual Expected<std::optional<PerceptualHashRecord>> findPerceptualHash(const std::string& assetId) = 0;
    // The owner's hashes (any asset state: the caller filters the few it groups), in asset id order strictly after
    // afterId ("" = from the start), at most limit (1..100000).
    virtual Expected<std::vector<HashedAsset>> listOwnerHashes(const std::string& ownerId, const std::string& afterId,
                                                               int limit) = 0;
    // The live (not trashed) assets of these owners whose hash is within maxDistance (0..64) bits of `hash`, found
    // through the bands, nearest first (then by id), at most limit. The asset the hash came from is among them when
    // it is one of those owners'.
    virtual Expected<std::vector<HashMatch>> findSimilarHashes(const std::vector<std::string>& ownerIds,
                                                               std::uint64_t hash, int maxDistance, int limit) = 0;

    // Images of every owner with a ready thumbnail and no hash, in id order after afterId, at most limit; and how many
    // there are (the backfill's progress).
    virtual Expected<std::vector<UnhashedAsset>> listUnhashedImages(const std::string& afterId, int limit) = 0;
    virtual Expected<std::int64_t> countUnhashedImages() = 0;

    // Remembers that the owner said these pairs are not duplicates (idempotent; pairs in either order). The rows go
    // with either asset.
    virtual Status dismissDuplicatePairs(const std::string& ownerId, const std::vector<AssetPair>& pairs) = 0;
    // The owner's dismissed pairs, each ordered (first < second).
    virtual Expected<std::vector<AssetPair>> listDismissedPairs(const std::string& ownerId) = 0;

    // Related photos' other inputs, each over live assets of these owners, at most limit ids:
    // taken within [fromUs, toUs), nearest to aroundUs first;
    virtual Expected<std::vector<std::string>> findTakenBetween(const std::vector<std::string>& ownerIds,
                                                                std::int64_t fromUs, std::int64_t toUs,
                                                                std::int64_t aroundUs, int limit) = 0;
    // with a recorded place inside the box latitude ± dLat, longitude ± dLon (no wrap at ±180°), nearest first;
    virtual Expected<std::vector<std::string>> findPlacedNear(const std::vector<std::string>& ownerIds, double latitude,
                                                              double longitude, double dLat, double dLon,
                                                              int limit) = 0;
    // carrying at least one of the tags (ASCII case-insensitive), most shared tags first, then newest.
    virtual Expected<std::vector<std::string>> findSharingTags(const std::vector<std::string>& ownerIds,
                                                               const std::vector<std::string>& tags, int limit) = 0;
};

}  // namespace obscura::storage

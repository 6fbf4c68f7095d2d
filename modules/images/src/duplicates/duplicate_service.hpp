#pragma once
// Near-duplicates of one owner's images (DESIGN.md section 11, Immich's shapes): groups of live images whose
// perceptual hashes are within a Hamming distance, minus the pairs the owner dismissed; resolving a group (trash
// some through the ordinary trash path and its asset.trashed events, keep the rest and remember they are not
// duplicates of each other) and dismissing one (remember every pair of it).
//
// Grouping reads the owner's hashes once (a covering index, no asset row), pairs them in memory by multi-index
// hashing (hash_grouping.hpp), and only then reads the few assets that are in a pair. A group's duplicateId is
// derived from its members (a UUID-shaped SHA-1 of their sorted ids), so it is stable while the group is, and an id
// from before the group changed names nothing (404): the client lists again.
#include <cstdint>
#include <string>
#include <vector>

#include "obscura/base/expected.hpp"
#include "obscura/storage/asset_records.hpp"

namespace obscura::storage {
class Storage;
}

namespace obscura::images {

class AccessService;
class AssetService;

struct DuplicateGroup {
    std::string duplicateId;
    std::vector<storage::AssetRecord> assets;  // oldest taken first, then by id
};

struct DuplicateResolution {
    std::string duplicateId;
    std::vector<std::string> keepAssetIds;
    std::vector<std::string> trashAssetIds;
};

struct ResolveOutcome {
    std::string duplicateId;
    bool success = true;
    std::string error;  // "not_found" | "forbidden" | "" (per group, as Immich's bulk answers)
};

class DuplicateService {
public:
    static constexpr int kMaxDistance = 64;
    // Pairs beyond this are not looked at: a distance that pairs this many images is not finding duplicates.
    static constexpr std::size_t kMaxPairs = 200'000;

    DuplicateService(storage::Storage& storage, AccessService& access, AssetService& assets, int defaultDistance);

    int defaultDistance() const { return defaultDistance_; }

    // The owner's groups at this distance (0..64), newest group first.
    Expected<std::vector<DuplicateGroup>> groups(const std::string& ownerId, int distance);
    // Each resolution on its own: a group naming an asset the caller cannot see fails as not_found, one naming an
    // asset they see but do not own as forbidden, and nothing of it is done.
    Expected<std::vector<ResolveOutcome>> resolve(const std::string& ownerId,
                                                  const std::vector<DuplicateResolution>& resolutions);
    // Dismisses the group with this id at this distance; false when there is none (404).
    Expected<bool> dismiss(const std::string& ownerId, const std::string& duplicateId, int distance);

private:
    storage::Storage& storage_;
    AccessService& access_;
    AssetService& assets_;
    int defaultDistance_;
};

}  // namespace obscura::images

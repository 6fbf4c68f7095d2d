#pragma once
// Related photos (DESIGN.md section 11, seed Image-sharing lab's "recommended images"): for one asset the caller
// can see, other assets they can see, ranked by a documented score (docs/api.md):
//
//   score = look + time + place + tags, each part 0 when its input is missing
//   look  = 4 · (1 − d / 24)          d = Hamming distance of the perceptual hashes, d < 24
//   time  = 2 · (1 − |Δt| / 24 h)     taken less than a day apart
//   place = 2 · (1 − km / 5)          taken less than 5 km apart
//   tags  = 2 · |A ∩ B| / |A ∪ B|     shared tags (ASCII case-insensitive), Jaccard
//
// Candidates come from four bounded index lookups over the asset owner's library and the caller's own (similar
// hashes through the bands, the same day, a box around the place, the same tags), then each is checked with the
// access rules (only what the caller may see) and scored; ties go to the one taken closer in time, then by id.
#include <optional>
#include <string>
#include <vector>

#include "obscura/base/expected.hpp"
#include "obscura/storage/asset_records.hpp"

namespace obscura::storage {
class Storage;
}

namespace obscura::images {

class AccessService;

struct RelatedAsset {
    storage::AssetRecord asset;
    double score = 0;
    std::optional<int> hashDistance;
    double hoursApart = 0;
    std::optional<double> kilometres;
    std::vector<std::string> sharedTags;
};

class RelatedService {
public:
    static constexpr int kDefaultLimit = 12;
    static constexpr int kMaxLimit = 50;

    RelatedService(storage::Storage& storage, AccessService& access) : storage_(storage), access_(access) {}

    // NotFound when the caller cannot see the asset.
    Expected<std::vector<RelatedAsset>> related(const std::string& callerId, const std::string& assetId, int limit);

private:
    storage::Storage& storage_;
    AccessService& access_;
};

}  // namespace obscura::images

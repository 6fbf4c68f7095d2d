#pragma once
// What the media module may know of an asset to make its derivatives, without seeing images' storage: the
// sniffed type, the blob key of the original and the key prefix derivatives go under (DESIGN.md sections 4, 8).
// Bytes are read and written through the blob store (ModuleContext::blobs()), never by path. Images enqueues one
// durable job of kind kDerivativesJob per upload (payload {"assetId": …}, dedupe key = the asset id) in the
// transaction that creates the asset; media registers the handler for that kind.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "obscura/base/expected.hpp"

namespace obscura::images {

inline constexpr const char* kDerivativesJob = "media.derivatives";

struct SourceAsset {
    std::string id;
    std::string ownerId;
    std::string type;           // "image" | "video"
    std::string sniffedName;    // the media type table's name: "jpeg", "png", "heic", "mp4", "mkv", …
    std::string originalKey;    // blob key: library/<owner>/<yyyy>/<mm>/<asset>.<ext>
    std::string derivedPrefix;  // blob key prefix, no trailing '/': derived/<owner>/<asset>
    std::optional<double> durationSeconds;
    bool isTrashed = false;
};

// Derivative kinds and their names under derivedPrefix. Conversions (on demand) are "conversion.<ext>".
inline constexpr std::string_view kThumbnailFile = "thumbnail.webp";
inline constexpr std::string_view kPreviewFile = "preview.jpg";
inline constexpr std::string_view kVideoFile = "video.mp4";

class AssetSource {
public:
    virtual ~AssetSource() = default;
    // nullopt when `ownerId` has no such asset (deleted meanwhile, or someone else's: as if it did not exist).
    virtual Expected<std::optional<SourceAsset>> find(const std::string& ownerId, const std::string& assetId) = 0;
    // Records a derivative's state on the asset ("ready" with its version, or "failed") before media's job
    // ends, so the state is as durable as the job; the derivative.* event that follows tells everyone else.
    struct DerivativeState {
        std::string kind;   // thumbnail | preview | video
        bool ready = true;  // false: failed
        int version = 0;
    };
    // Several at once, in one transaction.
    virtual Status recordDerivatives(const SourceAsset& asset, const std::vector<DerivativeState>& states) = 0;
    Status recordDerivative(const SourceAsset& asset, const std::string& kind, bool ready, int version) {
        return recordDerivatives(asset, {DerivativeState{kind, ready, version}});
    }
    // Stores an image's perceptual hash (media computes it from the thumbnail it just made, or from the stored one
    // for the backfill), with the photo's place for related photos. Idempotent; Ok when the asset is gone meanwhile.
    virtual Status recordPerceptualHash(const SourceAsset& asset, std::uint64_t hash) = 0;
    // The backfill's work list: images with a ready thumbnail and no hash yet, in id order after afterId (any owner),
    // at most limit; and how many are left.
    struct Unhashed {
        std::string assetId;
        std::string ownerId;
    };
    virtual Expected<std::vector<Unhashed>> unhashedImages(const std::string& afterId, int limit) = 0;
    virtual Expected<std::int64_t> countUnhashedImages() = 0;

    // The key prefix of a user's derivatives (avatars live there too): derived/<user>, no trailing '/'.
    virtual std::string userDerivedPrefix(const std::string& userId) const = 0;
    // Adds bytes served from a file another module made for the owner (a conversion) to the owner's bandwidth
    // of the month, as images counts its own downloads (FileResponse::countBody says how many).
    virtual void countServedBytes(const std::string& ownerId, std::uint64_t bytes) = 0;
};

}  // namespace obscura::images

#pragma once
// Shared by the images repository's source files: the assets column list and its reader, the JSON text of a
// tag list, the checks every written record passes, and the derived rows (usage totals, library version).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "obscura/base/expected.hpp"
#include "obscura/storage/asset_records.hpp"
#include "sql_session.hpp"

namespace obscura::sql {

class Dialect;

// Columns of assets AS a, in the order readAssetRow() reads them.
extern const std::string_view kAssetColumns;
storage::AssetRecord readAssetRow(const Rows& row);
// Columns of assets AS a that an asset object shows, in the order readAssetView() reads them; the row as a view
// (valid until the next row), its tags parsed into `tags` (kept by the caller across rows).
extern const std::string_view kAssetViewColumns;
storage::AssetView readAssetView(const Rows& row, std::vector<std::string>& tags);

// ["a","b"] with JSON string escaping; and back. parseTags reads what tagsJson writes (and the other escapes)
// without a JSON library: it runs once per listed row. parseTagsStrict: nullopt unless json is an array of
// strings (rows imported from elsewhere).
std::string tagsJson(const std::vector<std::string>& tags);
std::vector<std::string> parseTags(std::string_view json);
std::optional<std::vector<std::string>> parseTagsStrict(const std::string& json);
// "make model" from the exifInfo JSON text (either may be missing): the searchable camera text.
std::string cameraText(const std::string& exifJson);

// The position in the exifInfo JSON text (numbers "latitude" and "longitude", in range): what the map and near
// filters read from the assets' latitude/longitude columns. nullopt when either is missing or out of range.
struct GeoPoint {
    double latitude = 0;
    double longitude = 0;
};
std::optional<GeoPoint> exifPosition(const std::string& exifJson);

// Invalid unless every tag is non-empty, free of control characters and within the dialect's length.
Status validTags(const Dialect& d, const std::vector<std::string>& tags);
// Invalid for a record that breaks a rule the schema's CHECKs would also catch, with a readable message.
Status validAsset(const Dialect& d, const storage::AssetRecord& asset);

// Signed deltas to an owner's asset_usage totals.
struct UsageDelta {
    std::int64_t assets = 0, images = 0, videos = 0, liveImages = 0, liveVideos = 0, bytesOriginals = 0,
                 bytesDerived = 0;
};
// Adds the deltas, creating the owner's row on its first asset.
void addUsage(Session& s, const std::string& ownerId, const UsageDelta& d);
// What one asset row adds to its owner's totals (sign -1: what its deletion takes away). notLive: trashed, or a
// live photo's hidden video; either is left out of the live counts (the statistics).
UsageDelta assetUsage(const std::string& type, bool notLive, std::int64_t sizeBytes, std::int64_t derivedBytes,
                      int sign);
// Bumps the owner's library version (ImagesRepository::libraryVersion) in the caller's transaction. Every write
// a listing shows calls it, on every backend: the listing cache trusts it.
void bumpLibraryVersion(Session& s, const std::string& ownerId);

}  // namespace obscura::sql

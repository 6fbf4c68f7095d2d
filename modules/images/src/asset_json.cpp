#include "asset_json.hpp"

#include <nlohmann/json.hpp>

namespace obscura::images {

namespace {

nlohmann::json exifInfo(const std::string& stored) {
    // Written by our own upload code, so it parses; a damaged row still yields the full shape, all null.
    const auto parsed = nlohmann::json::parse(stored, nullptr, false);
    nlohmann::json info = nlohmann::json::object();
    for (const char* key : kExifInfoKeys) {
        const bool known = parsed.is_object() && parsed.contains(key) && !parsed[key].is_object() &&
                           !parsed[key].is_array();
        info[key] = known ? parsed[key] : nlohmann::json(nullptr);
    }
    return info;
}

std::string derivativeUrl(const storage::AssetRecord& asset, const char* size, std::int64_t version) {
    return "/api/assets/" + asset.id + "/thumbnail?size=" + size + "&v=" + std::to_string(version);
}

nlohmann::json optionalInt(const std::optional<std::int64_t>& value) {
    return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

}  // namespace

nlohmann::json assetJson(const storage::AssetRecord& a) {
    nlohmann::json j = nlohmann::json::object();
    j["id"] = a.id;
    j["type"] = a.type;
    j["originalFileName"] = a.originalFileName;
    j["mimeType"] = a.mimeType;
    j["sizeBytes"] = a.sizeBytes;
    j["checksum"] = a.checksum;
    j["width"] = optionalInt(a.width);
    j["height"] = optionalInt(a.height);
    if (a.durationSeconds) j["durationSeconds"] = *a.durationSeconds;
    j["takenAt"] = a.takenAt;
    j["createdAt"] = a.createdAt;
    j["title"] = a.title;
    j["description"] = a.description;
    j["tags"] = a.tags;
    j["isFavorite"] = a.isFavorite;
    j["isArchived"] = a.isArchived;
    j["isTrashed"] = a.isTrashed;
    if (a.isTrashed && a.trashedAt) j["trashedAt"] = *a.trashedAt;
    j["exifInfo"] = exifInfo(a.exif);
    j["derivatives"] = {
        {"thumbnail", a.thumbnail.state}, {"preview", a.preview.state}, {"video", a.video.state}};
    j["thumbnailUrl"] = derivativeUrl(a, "thumbnail", a.thumbnail.version);
    j["previewUrl"] = derivativeUrl(a, "preview", a.preview.version);
    return j;
}

std::string assetPageJson(const storage::AssetPage& page, const std::string& nextCursor) {
    nlohmann::json items = nlohmann::json::array();
    for (const auto& a : page.items) items.push_back(assetJson(a));
    nlohmann::json body = {{"items", std::move(items)},
                           {"nextCursor", nextCursor.empty() ? nlohmann::json(nullptr) : nlohmann::json(nextCursor)}};
    return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace obscura::images

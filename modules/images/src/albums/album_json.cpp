#include "albums/album_json.hpp"

#include <nlohmann/json.hpp>

namespace obscura::images {

namespace {

nlohmann::json optionalText(const std::optional<std::string>& value) {
    return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

}  // namespace

nlohmann::json albumJson(const storage::AlbumView& view) {
    const auto& a = view.album;
    return {{"id", a.id},
            {"ownerId", a.ownerId},
            {"albumName", a.name},
            {"description", a.description},
            {"assetCount", view.assetCount},
            {"albumThumbnailAssetId", optionalText(view.coverAssetId)},
            {"createdAt", a.createdAt},
            {"updatedAt", a.updatedAt}};
}

nlohmann::json sharedLinkJson(const storage::SharedLinkRecord& link) {
    return {{"id", link.id},
            {"key", link.key},
            {"url", "/s/" + link.key},
            {"type", link.albumId ? "album" : "assets"},
            {"albumId", optionalText(link.albumId)},
            {"assetIds", link.assetIds},
            {"expiresAt", optionalText(link.expiresAt)},
            {"allowDownload", link.allowDownload},
            {"hasPassword", link.passwordHash.has_value()},
            {"createdAt", link.createdAt}};
}

}  // namespace obscura::images

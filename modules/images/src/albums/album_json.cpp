#include "albums/album_json.hpp"

#include <nlohmann/json.hpp>

#include "albums/album_sharing_service.hpp"
#include "albums/group_service.hpp"
#include "obscura/auth/avatar_locator.hpp"
#include "obscura/kernel/service_registry.hpp"

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

AvatarUrlOf avatarsOf(const ServiceRegistry& services) {
    auto locator = services.find<auth::AvatarLocator>();
    if (!locator) return {};
    return [locator](const std::string& userId) { return locator->avatarUrl(userId); };
}

nlohmann::json userSummaryJson(const storage::UserSummary& user, const AvatarUrlOf& avatarOf) {
    return {{"id", user.id},
            {"username", user.username},
            {"displayName", user.displayName},
            {"avatarUrl", optionalText(avatarOf ? avatarOf(user.id) : std::nullopt)}};
}

nlohmann::json albumJson(const AlbumDetails& d, const AvatarUrlOf& avatarOf) {
    auto body = albumJson(d.view);
    body["owner"] = userSummaryJson(d.owner, avatarOf);
    body["albumUsers"] = nlohmann::json::array();
    for (const auto& m : d.members)
        body["albumUsers"].push_back({{"user", userSummaryJson(m.user, avatarOf)}, {"role", roleName(m.role)}});
    body["albumGroups"] = nlohmann::json::array();
    for (const auto& g : d.groups)
        body["albumGroups"].push_back(
            {{"group", {{"id", g.group.id}, {"name", g.group.name}}}, {"role", roleName(g.role)}});
    body["parentId"] = optionalText(d.view.album.parentId);
    body["shared"] = d.shared;
    body["myRole"] = roleName(d.myRole);
    body["allowDownload"] = d.view.album.allowDownload;
    return body;
}

nlohmann::json groupJson(const GroupGrant& g, const AvatarUrlOf& avatarOf) {
    auto members = nlohmann::json::array();
    for (const auto& m : g.view.members) members.push_back(userSummaryJson(m, avatarOf));
    return {{"id", g.view.group.id},
            {"name", g.view.group.name},
            {"ownerId", g.view.group.ownerId},
            {"members", std::move(members)},
            {"myRole", g.owner ? "owner" : "member"},
            {"createdAt", g.view.group.createdAt},
            {"updatedAt", g.view.group.updatedAt}};
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

#pragma once
// The album (Immich) and share-link objects of DESIGN.md section 3.
#include <functional>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>

#include "obscura/storage/album_records.hpp"
#include "obscura/storage/album_sharing_repository.hpp"

namespace obscura {
class ServiceRegistry;
}

namespace obscura::images {

struct AlbumDetails;
struct GroupGrant;

// A user's avatar URL, if they have one (auth's AvatarLocator, registered by media).
using AvatarUrlOf = std::function<std::optional<std::string>(const std::string& userId)>;

// {id, albumName, description, assetCount, albumThumbnailAssetId, createdAt, updatedAt} plus Immich's ownerId.
nlohmann::json albumJson(const storage::AlbumView& album);
// albumJson plus DESIGN.md section 7's sharing fields: owner, albumUsers:[{user, role}], albumGroups:[{group,
// role}], parentId, shared, myRole, allowDownload.
nlohmann::json albumJson(const AlbumDetails& album, const AvatarUrlOf& avatarOf);
// {id, username, displayName, avatarUrl}: what other users see of a user.
// Users' avatar URLs through the AvatarLocator media registers (an empty function when none is: no avatars).
AvatarUrlOf avatarsOf(const ServiceRegistry& services);

nlohmann::json userSummaryJson(const storage::UserSummary& user, const AvatarUrlOf& avatarOf);
// {id, name, ownerId, members:[user summary], myRole:"owner"|"member", createdAt, updatedAt}.
nlohmann::json groupJson(const GroupGrant& group, const AvatarUrlOf& avatarOf);
// {id, key, url, albumId, assetIds, expiresAt, allowDownload, hasPassword, createdAt}; url is the page /s/{key}.
nlohmann::json sharedLinkJson(const storage::SharedLinkRecord& link);

}  // namespace obscura::images

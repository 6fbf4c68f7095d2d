#pragma once
// The album (Immich) and share-link objects of DESIGN.md section 3.
#include <nlohmann/json_fwd.hpp>
#include <string>

#include "obscura/storage/album_records.hpp"

namespace obscura::images {

// {id, albumName, description, assetCount, albumThumbnailAssetId, createdAt, updatedAt} plus Immich's ownerId.
nlohmann::json albumJson(const storage::AlbumView& album);
// {id, key, url, albumId, assetIds, expiresAt, allowDownload, hasPassword, createdAt}; url is the page /s/{key}.
nlohmann::json sharedLinkJson(const storage::SharedLinkRecord& link);

}  // namespace obscura::images

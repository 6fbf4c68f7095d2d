#pragma once
// The images module's albums as domain operations. Like the assets, every owner-facing
// query is scoped to one owner: another owner's album or link is simply absent (nullopt / false / NotFound),
// so the module answers 404, never 403. An album holds only its owner's assets.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "obscura/base/expected.hpp"
#include "obscura/storage/album_records.hpp"
#include "obscura/storage/asset_records.hpp"

namespace obscura::storage {

class AlbumsRepository {
public:
    virtual ~AlbumsRepository() = default;

    // Conflict when the id is taken. The cover, when set, must be one of the album's assets (the module checks).
    virtual Status createAlbum(const AlbumRecord& album) = 0;
    virtual Expected<std::optional<AlbumView>> findAlbum(const std::string& ownerId, const std::string& id) = 0;
    // The owner's albums, newest first (createdAtUs, then id).
    virtual Expected<std::vector<AlbumView>> listAlbums(const std::string& ownerId) = 0;
    // NotFound for a missing or foreign album, Changed otherwise.
    virtual Expected<AssetWrite> updateAlbum(const std::string& ownerId, const std::string& id,
                                             const AlbumUpdate& update) = 0;
    // The album, its membership rows and its share links. False when there was no such album of the owner.
    virtual Expected<bool> deleteAlbum(const std::string& ownerId, const std::string& id) = 0;
    // One result per id, in order. Only the owner's assets that are not in the trash can be added; an id
    // already in the album (or earlier in ids) is Duplicate. Touches the album's updatedAt when anything changed.
    virtual Expected<std::vector<AlbumAssetChange>> addAlbumAssets(const std::string& ownerId,
                                                                   const std::string& albumId,
                                                                   const std::vector<std::string>& assetIds,
                                                                   std::int64_t addedAtUs,
                                                                   const std::string& updatedAt) = 0;
    // One result per id, in order: Done when it was in the album, NotFound otherwise (a repeat too).
    virtual Expected<std::vector<AlbumAssetChange>> removeAlbumAssets(const std::string& ownerId,
                                                                      const std::string& albumId,
                                                                      const std::vector<std::string>& assetIds,
                                                                      const std::string& updatedAt) = 0;
    // Whether the owner's album holds the asset (any asset state).
    virtual Expected<bool> albumHasAsset(const std::string& ownerId, const std::string& albumId,
                                         const std::string& assetId) = 0;
};

}  // namespace obscura::storage

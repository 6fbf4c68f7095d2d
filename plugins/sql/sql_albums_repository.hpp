#pragma once
#include "obscura/storage/repositories.hpp"
#include "sql_session.hpp"

namespace obscura::sql {

// "SELECT <album columns>, live asset count, cover FROM albums AS al" (append WHERE/ORDER BY), and its reader.
extern const std::string_view kAlbumSelect;
inline constexpr int kAlbumSelectColumns = 12;
storage::AlbumView readAlbumRow(const Rows& row);

// Inside the caller's atomic write, on an album that exists (its owner given): adds the live assets of
// assetOwnerId, one result per id (NotFound: not that user's live asset; Duplicate: already in); removes the
// listed assets (of assetOwnerId only, unless null). Either touches the album and the library versions of both
// owners when anything changed.
std::vector<storage::AlbumAssetChange> addAssetsOf(Session& s, const std::string& albumOwnerId,
                                                   const std::string& assetOwnerId, const std::string& albumId,
                                                   const std::vector<std::string>& assetIds, std::int64_t addedAtUs,
                                                   const std::string& updatedAt);
std::vector<storage::AlbumAssetChange> removeAssetsOf(Session& s, const std::string& albumOwnerId,
                                                      const std::string* assetOwnerId, const std::string& albumId,
                                                      const std::vector<std::string>& assetIds,
                                                      const std::string& updatedAt);

// The images module's albums, on one borrowed connection.
class SqlAlbumsRepository final : public storage::AlbumsRepository {
public:
    explicit SqlAlbumsRepository(Session& session) : s_(session) {}

    Status createAlbum(const storage::AlbumRecord& album) override;
    Expected<std::optional<storage::AlbumView>> findAlbum(const std::string& ownerId, const std::string& id) override;
    Expected<std::vector<storage::AlbumView>> listAlbums(const std::string& ownerId) override;
    Expected<storage::AssetWrite> updateAlbum(const std::string& ownerId, const std::string& id,
                                              const storage::AlbumUpdate& update) override;
    Expected<bool> deleteAlbum(const std::string& ownerId, const std::string& id) override;
    Expected<std::vector<storage::AlbumAssetChange>> addAlbumAssets(const std::string& ownerId,
                                                                    const std::string& albumId,
                                                                    const std::vector<std::string>& assetIds,
                                                                    std::int64_t addedAtUs,
                                                                    const std::string& updatedAt) override;
    Expected<std::vector<storage::AlbumAssetChange>> removeAlbumAssets(const std::string& ownerId,
                                                                       const std::string& albumId,
                                                                       const std::vector<std::string>& assetIds,
                                                                       const std::string& updatedAt) override;
    Expected<bool> albumHasAsset(const std::string& ownerId, const std::string& albumId,
                                 const std::string& assetId) override;

private:
    Session& s_;
};

// The images module's share links, on one borrowed connection.
class SqlSharedLinksRepository final : public storage::SharedLinksRepository {
public:
    explicit SqlSharedLinksRepository(Session& session) : s_(session) {}

    Status createSharedLink(const storage::SharedLinkRecord& link) override;
    Expected<std::optional<storage::SharedLinkRecord>> findSharedLinkByKeyHash(const std::string& keyHash) override;
    Expected<std::vector<storage::SharedLinkRecord>> listSharedLinks(const std::string& ownerId) override;
    Expected<bool> deleteSharedLink(const std::string& ownerId, const std::string& id) override;
    Expected<bool> sharedLinkHasAsset(const std::string& linkId, const std::string& assetId) override;

private:
    Session& s_;
};

}  // namespace obscura::sql

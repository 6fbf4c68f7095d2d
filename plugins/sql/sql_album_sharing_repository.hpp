#pragma once
#include "obscura/storage/repositories.hpp"
#include "sql_session.hpp"

namespace obscura::sql {

// Album members, groups, album groups and the album tree, on one borrowed connection.
class SqlAlbumSharingRepository final : public storage::AlbumSharingRepository {
public:
    explicit SqlAlbumSharingRepository(Session& session) : s_(session) {}

    Expected<std::optional<storage::AlbumView>> findAnyAlbum(const std::string& albumId) override;
    Expected<storage::AlbumRole> memberRole(const std::string& userId, const std::string& albumId) override;
    Expected<std::vector<std::string>> albumChain(const std::string& albumId) override;
    Expected<std::vector<storage::AlbumView>> listChildAlbums(const std::string& ownerId,
                                                              const std::string& parentId) override;
    Expected<std::vector<storage::SharedAlbum>> listAlbumsSharedWith(const std::string& userId) override;
    Expected<std::vector<storage::AlbumView>> listAlbumsSharedBy(const std::string& ownerId) override;
    Expected<std::optional<storage::AssetRecord>> findAlbumAsset(const std::string& assetId) override;
    Expected<std::vector<storage::AlbumRecord>> albumsHoldingAsset(const std::string& assetId) override;
    Expected<std::vector<storage::AssetRecord>> listAlbumAssets(const std::string& albumId,
                                                                const std::optional<storage::AssetCursor>& after,
                                                                int limit) override;
    Expected<std::vector<storage::AlbumAssetChange>> addOwnAssets(const std::string& userId, const std::string& albumId,
                                                                  const std::vector<std::string>& assetIds,
                                                                  std::int64_t addedAtUs,
                                                                  const std::string& updatedAt) override;
    Expected<std::vector<storage::AlbumAssetChange>> removeOwnAssets(const std::string& userId,
                                                                     const std::string& albumId,
                                                                     const std::vector<std::string>& assetIds,
                                                                     const std::string& updatedAt) override;

    Expected<std::vector<storage::AlbumMember>> listAlbumMembers(const std::string& albumId) override;
    Status addAlbumMember(const std::string& albumId, const std::string& userId, storage::AlbumRole role,
                          const std::string& addedAt) override;
    Expected<bool> setAlbumMemberRole(const std::string& albumId, const std::string& userId,
                                      storage::AlbumRole role) override;
    Expected<bool> removeAlbumMember(const std::string& albumId, const std::string& userId) override;

    Status createGroup(const storage::GroupRecord& group) override;
    Expected<std::optional<storage::GroupView>> findGroup(const std::string& groupId) override;
    Expected<std::vector<storage::GroupView>> listGroups(const std::string& userId) override;
    Expected<bool> renameGroup(const std::string& groupId, const std::string& name,
                               const std::string& updatedAt) override;
    Expected<bool> deleteGroup(const std::string& groupId) override;
    Status setGroupMembers(const std::string& groupId, const std::vector<std::string>& userIds,
                           const std::string& updatedAt) override;

    Expected<std::vector<storage::AlbumGroupShare>> listAlbumGroups(const std::string& albumId) override;
    Status setAlbumGroup(const std::string& albumId, const std::string& groupId, storage::AlbumRole role) override;
    Expected<bool> removeAlbumGroup(const std::string& albumId, const std::string& groupId) override;

private:
    Session& s_;
};

}  // namespace obscura::sql

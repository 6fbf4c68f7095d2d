#pragma once
// Sharing albums between people (DESIGN.md section 7): album members with a role, groups of users, albums
// shared with a group, and the album tree (albums.parent_id). Kept apart from AlbumsRepository, whose calls are
// all scoped to one owner ("another owner's album is simply absent"): these calls look across owners, so the
// module's access rules (access/album_access.cpp) must decide what a caller may see before any of them is used
// to answer that caller. No call here checks who is asking.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "obscura/base/expected.hpp"
#include "obscura/storage/album_records.hpp"
#include "obscura/storage/asset_records.hpp"

namespace obscura::storage {

// Ordered: a stronger role compares greater. Stored as 'viewer' / 'editor'; Owner is never stored (the
// album's owner_id says it) and None is the absence of a row.
enum class AlbumRole : std::uint8_t { None = 0, Viewer = 1, Editor = 2, Owner = 3 };

// A user as other users see them on a shared album: never the e-mail or the admin flag.
struct UserSummary {
    std::string id;
    std::string username;
    std::string displayName;
};

struct AlbumMember {
    UserSummary user;
    AlbumRole role = AlbumRole::Viewer;
    std::string addedAt;
};

struct GroupRecord {
    std::string id;       // UUID
    std::string ownerId;  // users.id; the group goes when its owner goes
    std::string name;
    std::string createdAt;
    std::int64_t createdAtUs = 0;
    std::string updatedAt;
};

struct GroupView {
    GroupRecord group;
    std::vector<UserSummary> members;  // by username
};

struct AlbumGroupShare {
    GroupRecord group;
    AlbumRole role = AlbumRole::Viewer;
};

// An album someone may see through sharing, and the role that lets them.
struct SharedAlbum {
    AlbumView view;
    AlbumRole role = AlbumRole::Viewer;
};

class AlbumSharingRepository {
public:
    virtual ~AlbumSharingRepository() = default;

    // Any owner's album by id (the access rules decide whether the caller may see it).
    virtual Expected<std::optional<AlbumView>> findAnyAlbum(const std::string& albumId) = 0;
    // The caller's strongest role on the album from membership: direct, through a group, or on any ancestor
    // album (members of a parent hold the same role on its descendants). None when they have none; ownership
    // is not looked at (the album's ownerId says it).
    virtual Expected<AlbumRole> memberRole(const std::string& userId, const std::string& albumId) = 0;
    // The album's id and its ancestors' ids, nearest first (the album itself first); empty when it does not exist.
    virtual Expected<std::vector<std::string>> albumChain(const std::string& albumId) = 0;
    // The owner's albums whose parent is parentId, newest first.
    virtual Expected<std::vector<AlbumView>> listChildAlbums(const std::string& ownerId,
                                                             const std::string& parentId) = 0;
    // Albums of other owners the user holds a role on (directly, by group or inherited), with that role, newest
    // first; then nothing of the user's own (the module adds the ones they share out).
    virtual Expected<std::vector<SharedAlbum>> listAlbumsSharedWith(const std::string& userId) = 0;
    // The owner's albums that have at least one member or group, newest first.
    virtual Expected<std::vector<AlbumView>> listAlbumsSharedBy(const std::string& ownerId) = 0;
    // The asset (any owner) when at least one album holds it, for the asset grant.
    virtual Expected<std::optional<AssetRecord>> findAlbumAsset(const std::string& assetId) = 0;
    // Albums holding the asset (any owner), for the asset grant.
    virtual Expected<std::vector<AlbumRecord>> albumsHoldingAsset(const std::string& assetId) = 0;
    // The album's assets that are not in the trash, whoever owns them, newest first (takenAtUs, id), at most
    // limit after the cursor.
    virtual Expected<std::vector<AssetRecord>> listAlbumAssets(const std::string& albumId,
                                                               const std::optional<AssetCursor>& after, int limit) = 0;
    // Adds a member's own live assets to any album, one result per id as AlbumsRepository::addAlbumAssets
    // (NotFound: not the member's live asset). Touches the album's updatedAt and both owners' library versions.
    virtual Expected<std::vector<AlbumAssetChange>> addOwnAssets(const std::string& userId, const std::string& albumId,
                                                                 const std::vector<std::string>& assetIds,
                                                                 std::int64_t addedAtUs,
                                                                 const std::string& updatedAt) = 0;
    // Removes only the user's own assets from the album (NotFound for anything else).
    virtual Expected<std::vector<AlbumAssetChange>> removeOwnAssets(const std::string& userId,
                                                                    const std::string& albumId,
                                                                    const std::vector<std::string>& assetIds,
                                                                    const std::string& updatedAt) = 0;

    // Members, by username. Conflict when the user is already a member.
    virtual Expected<std::vector<AlbumMember>> listAlbumMembers(const std::string& albumId) = 0;
    virtual Status addAlbumMember(const std::string& albumId, const std::string& userId, AlbumRole role,
                                  const std::string& addedAt) = 0;
    // False when the user was not a member.
    virtual Expected<bool> setAlbumMemberRole(const std::string& albumId, const std::string& userId,
                                              AlbumRole role) = 0;
    virtual Expected<bool> removeAlbumMember(const std::string& albumId, const std::string& userId) = 0;

    // Groups. Conflict when the id is taken.
    virtual Status createGroup(const GroupRecord& group) = 0;
    virtual Expected<std::optional<GroupView>> findGroup(const std::string& groupId) = 0;
    // Groups the user owns or is a member of, by name.
    virtual Expected<std::vector<GroupView>> listGroups(const std::string& userId) = 0;
    virtual Expected<bool> renameGroup(const std::string& groupId, const std::string& name,
                                       const std::string& updatedAt) = 0;
    // The group, its seats and its album shares. False when there was no such group.
    virtual Expected<bool> deleteGroup(const std::string& groupId) = 0;
    // Replaces the group's members with userIds (distinct, existing users; the module checks).
    virtual Status setGroupMembers(const std::string& groupId, const std::vector<std::string>& userIds,
                                   const std::string& updatedAt) = 0;

    // The album's group shares, by group name.
    virtual Expected<std::vector<AlbumGroupShare>> listAlbumGroups(const std::string& albumId) = 0;
    // Adds the group or changes its role.
    virtual Status setAlbumGroup(const std::string& albumId, const std::string& groupId, AlbumRole role) = 0;
    virtual Expected<bool> removeAlbumGroup(const std::string& albumId, const std::string& groupId) = 0;
};

}  // namespace obscura::storage

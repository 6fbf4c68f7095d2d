#pragma once
// Sharing an album with people (DESIGN.md section 7): members with a role, groups with a role, the albums shared
// with or by the caller, an album's children, and what the album object shows about all of it. Every call takes
// the caller's AlbumGrant (AccessService::album), so visibility (404) is decided before anything here runs;
// what the role allows (403) and what the body may ask (422, 409) is decided here, each refusal before anything
// is written, and each write in one transaction.
#include <optional>
#include <string>
#include <vector>

#include "access/album_grant.hpp"
#include "obscura/base/clock.hpp"
#include "obscura/base/expected.hpp"
#include "obscura/storage/album_sharing_repository.hpp"

namespace obscura {
class Bus;
}
namespace obscura::storage {
class Storage;
class Repositories;
}  // namespace obscura::storage

namespace obscura::images {

struct MemberRole {
    std::string userId;  // or groupId in setGroups
    storage::AlbumRole role = storage::AlbumRole::Viewer;
};

// What the album object adds for sharing: owner, albumUsers, albumGroups, shared, myRole.
struct AlbumDetails {
    storage::AlbumView view;
    storage::AlbumRole myRole = storage::AlbumRole::Owner;
    storage::UserSummary owner;
    std::vector<storage::AlbumMember> members;
    std::vector<storage::AlbumGroupShare> groups;
    bool shared = false;  // anyone besides the owner has access: here or through an ancestor album
};

class AlbumSharingService {
public:
    AlbumSharingService(storage::Storage& storage, const Clock& clock, Bus& bus)
        : storage_(storage), clock_(clock), bus_(bus) {}

    Expected<AlbumDetails> details(const storage::AlbumView& album, storage::AlbumRole myRole);
    // The albums shared with the caller (with their role) and by the caller (Owner), newest first.
    Expected<std::vector<storage::SharedAlbum>> listShared(const std::string& callerId);
    // The children of a visible album, with the caller's role on each (at least the one on the parent).
    Expected<std::vector<storage::SharedAlbum>> children(const AlbumGrant& parent, const std::string& callerId);

    // PUT /api/albums/{id}/users: owner only. Each user must exist, be enabled, not be the owner, appear once,
    // and not be a member yet (409 already_member); then all join in one transaction and each gets album.shared.
    Status addMembers(const AlbumGrant& grant, const std::vector<MemberRole>& members);
    // PATCH /api/albums/{id}/user/{userId}: owner only; 404 when the user is not a member.
    Status setMemberRole(const AlbumGrant& grant, const std::string& userId, storage::AlbumRole role);
    // DELETE /api/albums/{id}/user/{userId}: the owner removes anyone; a member removes only themself (leaves;
    // "me" names the caller); the owner cannot leave (422 owner_cannot_leave).
    Status removeMember(const AlbumGrant& grant, const std::string& callerId, const std::string& userId);
    // PUT /api/albums/{id}/groups: owner only; the album's group shares become exactly the listed ones (a group
    // left out stops sharing, [] stops them all). Each group must be one the owner made (422 unknown_group) and
    // appear once (422 duplicate_group). Present members of a newly shared group get album.shared.
    Status setGroups(const AlbumGrant& grant, const std::vector<MemberRole>& groups);

private:
    void announce(const storage::AlbumView& album, const std::vector<MemberRole>& receivers);

    storage::Storage& storage_;
    const Clock& clock_;
    Bus& bus_;
};

// 422 unknown_user unless the id names an existing, enabled user (shared by groups' membership rules).
Status checkShareableUser(storage::Repositories& repos, const std::string& userId);

}  // namespace obscura::images

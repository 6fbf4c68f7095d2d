#include "albums/album_sharing_service.hpp"

#include <algorithm>
#include <set>

#include "obscura/base/ids.hpp"
#include "obscura/base/rfc3339.hpp"
#include "obscura/images/events.hpp"
#include "obscura/kernel/bus.hpp"
#include "obscura/kernel/storage_calls.hpp"
#include "obscura/storage/storage.hpp"

namespace obscura::images {

using storage::AlbumRole;

namespace {

bool newerFirst(const storage::SharedAlbum& a, const storage::SharedAlbum& b) {
    if (a.view.album.createdAtUs != b.view.album.createdAtUs)
        return a.view.album.createdAtUs > b.view.album.createdAtUs;
    return a.view.album.id > b.view.album.id;
}

// Whether anyone besides the owner has a role on one of these albums.
Expected<bool> anyShares(storage::Repositories& repos, const std::vector<std::string>& albumIds) {
    for (const auto& id : albumIds) {
        OBSCURA_TRY(members, repos.albumSharing().listAlbumMembers(id));
        if (!members.empty()) return true;
        OBSCURA_TRY(groups, repos.albumSharing().listAlbumGroups(id));
        if (!groups.empty()) return true;
    }
    return false;
}

// Refuses an id listed twice, before anything is looked up.
Status checkDistinct(const std::vector<MemberRole>& entries, const char* field, const char* reason) {
    std::set<std::string> seen;
    for (const auto& entry : entries) {
        if (!seen.insert(entry.userId).second)
            return Error(ErrorCode::Invalid, std::string(field) + " lists " + entry.userId + " twice", reason);
    }
    return {};
}

}  // namespace

Status checkShareableUser(storage::Repositories& repos, const std::string& userId) {
    const Error unknown(ErrorCode::Invalid, "userId " + userId + " is not a user one can share with", "unknown_user");
    if (!isUuid(userId)) return unknown;
    OBSCURA_TRY(user, repos.auth().findUserById(userId));
    if (!user || user->disabled) return unknown;
    return {};
}

Expected<AlbumDetails> AlbumSharingService::details(const storage::AlbumView& album, AlbumRole myRole) {
    return withRepos(storage_, [&](storage::Repositories& repos) -> Expected<AlbumDetails> {
        AlbumDetails d;
        d.view = album;
        d.myRole = myRole;
        d.owner.id = album.album.ownerId;
        OBSCURA_TRY(owner, repos.auth().findUserById(album.album.ownerId));
        if (owner) d.owner = {owner->id, owner->username, owner->displayName};
        OBSCURA_TRY(members, repos.albumSharing().listAlbumMembers(album.album.id));
        OBSCURA_TRY(groups, repos.albumSharing().listAlbumGroups(album.album.id));
        d.members = std::move(members);
        d.groups = std::move(groups);
        d.shared = myRole != AlbumRole::Owner || !d.members.empty() || !d.groups.empty();
        if (!d.shared && album.album.parentId) {
            OBSCURA_TRY(ancestors, repos.albumSharing().albumChain(*album.album.parentId));
            OBSCURA_TRY(inherited, anyShares(repos, ancestors));
            d.shared = inherited;
        }
        return d;
    });
}

Expected<std::vector<storage::SharedAlbum>> AlbumSharingService::listShared(const std::string& callerId) {
    return withRepos(storage_, [&](storage::Repositories& repos) -> Expected<std::vector<storage::SharedAlbum>> {
        OBSCURA_TRY(with, repos.albumSharing().listAlbumsSharedWith(callerId));
        OBSCURA_TRY(by, repos.albumSharing().listAlbumsSharedBy(callerId));
        for (auto& view : by) with.push_back({std::move(view), AlbumRole::Owner});
        std::sort(with.begin(), with.end(), newerFirst);
        return with;
    });
}

Expected<std::vector<storage::SharedAlbum>> AlbumSharingService::children(const AlbumGrant& parent,
                                                                          const std::string& callerId) {
    return withRepos(storage_, [&](storage::Repositories& repos) -> Expected<std::vector<storage::SharedAlbum>> {
        const auto& ownerId = parent.album.album.ownerId;
        OBSCURA_TRY(views, repos.albumSharing().listChildAlbums(ownerId, parent.album.album.id));
        std::vector<storage::SharedAlbum> out;
        for (auto& view : views) {
            AlbumRole role = parent.role;
            if (role != AlbumRole::Owner) {
                OBSCURA_TRY(member, repos.albumSharing().memberRole(callerId, view.album.id));
                role = std::max(role, member);
            }
            out.push_back({std::move(view), role});
        }
        return out;
    });
}

Status AlbumSharingService::addMembers(const AlbumGrant& grant, const std::vector<MemberRole>& members) {
    OBSCURA_TRY_STATUS(requireOwner(grant, "share it"));
    OBSCURA_TRY_STATUS(checkDistinct(members, "albumUsers", "duplicate_member"));
    const auto& album = grant.album.album;
    for (const auto& m : members) {
        if (m.userId == album.ownerId)
            return Error(ErrorCode::Invalid, "you cannot share an album with yourself", "share_with_self");
    }
    const auto addedAt = formatRfc3339(clock_.nowUs());
    OBSCURA_TRY_STATUS(inTransaction(storage_, [&](storage::Repositories& repos) -> Status {
        OBSCURA_TRY(present, repos.albumSharing().listAlbumMembers(album.id));
        for (const auto& m : members) {
            OBSCURA_TRY_STATUS(checkShareableUser(repos, m.userId));
            for (const auto& p : present) {
                if (p.user.id == m.userId)
                    return Error(ErrorCode::Conflict, "userId " + m.userId + " is already a member of this album",
                                 "already_member");
            }
        }
        for (const auto& m : members)
            OBSCURA_TRY_STATUS(repos.albumSharing().addAlbumMember(album.id, m.userId, m.role, addedAt));
        return {};
    }));
    announce(grant.album, members);
    return {};
}

Status AlbumSharingService::setMemberRole(const AlbumGrant& grant, const std::string& userId, AlbumRole role) {
    OBSCURA_TRY_STATUS(requireOwner(grant, "change roles"));
    if (!isUuid(userId)) return notFound("that user is not a member of this album");
    OBSCURA_TRY(changed, withRepos(storage_, [&](storage::Repositories& repos) {
                    return repos.albumSharing().setAlbumMemberRole(grant.album.album.id, userId, role);
                }));
    if (!changed) return notFound("that user is not a member of this album");
    return {};
}

Status AlbumSharingService::removeMember(const AlbumGrant& grant, const std::string& callerId,
                                         const std::string& userId) {
    const std::string target = userId == "me" ? callerId : userId;
    if (grant.role == AlbumRole::Owner && target == callerId)
        return Error(ErrorCode::Invalid, "the owner cannot leave their own album (delete it instead)",
                     "owner_cannot_leave");
    if (grant.role != AlbumRole::Owner && target != callerId)
        return Error(ErrorCode::Forbidden, "only the album's owner may remove other members");
    if (!isUuid(target)) return notFound("that user is not a member of this album");
    OBSCURA_TRY(removed, withRepos(storage_, [&](storage::Repositories& repos) {
                    return repos.albumSharing().removeAlbumMember(grant.album.album.id, target);
                }));
    // A member who sees the album only through a group or a parent album has no membership here to end.
    if (!removed) return notFound("that user is not a member of this album");
    return {};
}

Status AlbumSharingService::setGroups(const AlbumGrant& grant, const std::vector<MemberRole>& groups) {
    OBSCURA_TRY_STATUS(requireOwner(grant, "share it"));
    OBSCURA_TRY_STATUS(checkDistinct(groups, "albumGroups", "duplicate_group"));
    const auto& album = grant.album.album;
    std::vector<MemberRole> receivers;
    OBSCURA_TRY_STATUS(inTransaction(storage_, [&](storage::Repositories& repos) -> Status {
        receivers.clear();  // the transaction may run again
        auto& sharing = repos.albumSharing();
        std::vector<storage::GroupView> found;
        for (const auto& g : groups) {
            const Error unknown(ErrorCode::Invalid, "groupId " + g.userId + " is not one of your groups",
                                "unknown_group");
            if (!isUuid(g.userId)) return unknown;
            OBSCURA_TRY(group, sharing.findGroup(g.userId));
            if (!group || group->group.ownerId != album.ownerId) return unknown;
            found.push_back(std::move(*group));
        }
        OBSCURA_TRY(present, sharing.listAlbumGroups(album.id));
        for (const auto& p : present) {
            const bool kept =
                std::any_of(groups.begin(), groups.end(), [&](const MemberRole& g) { return g.userId == p.group.id; });
            if (!kept) OBSCURA_TRY_STATUS(sharing.removeAlbumGroup(album.id, p.group.id));
        }
        for (std::size_t i = 0; i < groups.size(); ++i) {
            OBSCURA_TRY_STATUS(sharing.setAlbumGroup(album.id, groups[i].userId, groups[i].role));
            const bool isNew = std::none_of(present.begin(), present.end(), [&](const storage::AlbumGroupShare& p) {
                return p.group.id == groups[i].userId;
            });
            if (!isNew) continue;
            for (const auto& member : found[i].members)
                if (member.id != album.ownerId) receivers.push_back({member.id, groups[i].role});
        }
        return {};
    }));
    announce(grant.album, receivers);
    return {};
}

void AlbumSharingService::announce(const storage::AlbumView& album, const std::vector<MemberRole>& receivers) {
    if (receivers.empty()) return;
    std::string ownerName = album.album.ownerId;
    auto owner = withRepos(
        storage_, [&](storage::Repositories& repos) { return repos.auth().findUserById(album.album.ownerId); });
    if (owner && *owner) ownerName = (*owner)->displayName.empty() ? (*owner)->username : (*owner)->displayName;
    std::set<std::string> told;  // one notice per person, even when two groups hold them
    for (const auto& r : receivers) {
        if (!told.insert(r.userId).second) continue;
        bus_.publish(
            AlbumShared{album.album.id, album.album.name, album.album.ownerId, ownerName, r.userId, roleName(r.role)});
    }
}

}  // namespace obscura::images

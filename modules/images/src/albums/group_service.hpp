#pragma once
// Groups of users (DESIGN.md section 7, beyond Immich): a named set of users that its owner shares albums with
// (AlbumSharingService::setGroups). Its owner renames it, sets its members and deletes it; a member sees it (and
// who else is in it) but changes nothing (403); anyone else does not see it (404). A seat removed is access
// removed: album access is read from the seats on every request.
#include <string>
#include <vector>

#include "obscura/base/clock.hpp"
#include "obscura/base/expected.hpp"
#include "obscura/storage/album_sharing_repository.hpp"

namespace obscura::storage {
class Storage;
}

namespace obscura::images {

// A group and whether the caller owns it (myRole "owner" | "member").
struct GroupGrant {
    storage::GroupView view;
    bool owner = false;
};

class GroupService {
public:
    GroupService(storage::Storage& storage, const Clock& clock) : storage_(storage), clock_(clock) {}

    // 422 when empty, too long or holding control characters (an album name's rules).
    static Status checkName(const std::string& name);

    Expected<GroupGrant> create(const std::string& ownerId, const std::string& name);
    // The groups the caller owns or sits in, by name.
    Expected<std::vector<GroupGrant>> list(const std::string& callerId);
    // 404 unless the caller owns the group or sits in it.
    Expected<GroupGrant> visible(const std::string& callerId, const std::string& groupId);
    // The calls below take what visible() answered; a member gets 403 forbidden.
    Expected<GroupGrant> rename(const GroupGrant& group, const std::string& name);
    Status remove(const GroupGrant& group);
    // The members become exactly userIds: each an existing, enabled user (422 unknown_user), listed once
    // (422 duplicate_member). One transaction.
    Expected<GroupGrant> setMembers(const GroupGrant& group, const std::vector<std::string>& userIds);

private:
    storage::Storage& storage_;
    const Clock& clock_;
};

}  // namespace obscura::images

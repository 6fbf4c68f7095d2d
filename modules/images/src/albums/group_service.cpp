#include "albums/group_service.hpp"

#include <set>

#include "albums/album_service.hpp"
#include "albums/album_sharing_service.hpp"
#include "obscura/base/ids.hpp"
#include "obscura/base/rfc3339.hpp"
#include "obscura/kernel/storage_calls.hpp"
#include "obscura/storage/storage.hpp"

namespace obscura::images {

namespace {

Status requireGroupOwner(const GroupGrant& group) {
    if (group.owner) return {};
    return Error(ErrorCode::Forbidden, "only the group's owner may change it");
}

Expected<GroupGrant> reread(storage::Storage& storage, const std::string& ownerId, const std::string& groupId) {
    OBSCURA_TRY(found, withRepos(storage, [&](storage::Repositories& repos) {
                    return repos.albumSharing().findGroup(groupId);
                }));
    if (!found) return notFound("group not found");
    const bool owner = found->group.ownerId == ownerId;  // before the view is moved out
    return GroupGrant{std::move(*found), owner};
}

}  // namespace

Status GroupService::checkName(const std::string& name) {
    if (name.empty()) return invalid("name must not be empty");
    return AlbumService::checkName(name);
}

Expected<GroupGrant> GroupService::create(const std::string& ownerId, const std::string& name) {
    OBSCURA_TRY_STATUS(checkName(name));
    const auto nowUs = clock_.nowUs();
    storage::GroupRecord group{newUuid(), ownerId, name, formatRfc3339(nowUs), nowUs, formatRfc3339(nowUs)};
    OBSCURA_TRY_STATUS(
        withRepos(storage_, [&](storage::Repositories& repos) { return repos.albumSharing().createGroup(group); }));
    return GroupGrant{{std::move(group), {}}, true};
}

Expected<std::vector<GroupGrant>> GroupService::list(const std::string& callerId) {
    OBSCURA_TRY(views, withRepos(storage_, [&](storage::Repositories& repos) {
                    return repos.albumSharing().listGroups(callerId);
                }));
    std::vector<GroupGrant> out;
    for (auto& view : views) {
        const bool owner = view.group.ownerId == callerId;
        out.push_back({std::move(view), owner});
    }
    return out;
}

Expected<GroupGrant> GroupService::visible(const std::string& callerId, const std::string& groupId) {
    if (!isUuid(groupId)) return notFound("group not found");
    OBSCURA_TRY(group, reread(storage_, callerId, groupId));
    if (group.owner) return group;
    for (const auto& member : group.view.members)
        if (member.id == callerId) return group;
    return notFound("group not found");
}

Expected<GroupGrant> GroupService::rename(const GroupGrant& group, const std::string& name) {
    OBSCURA_TRY_STATUS(requireGroupOwner(group));
    OBSCURA_TRY_STATUS(checkName(name));
    const auto& id = group.view.group.id;
    OBSCURA_TRY(renamed, withRepos(storage_, [&](storage::Repositories& repos) {
                    return repos.albumSharing().renameGroup(id, name, formatRfc3339(clock_.nowUs()));
                }));
    if (!renamed) return notFound("group not found");
    return reread(storage_, group.view.group.ownerId, id);
}

Status GroupService::remove(const GroupGrant& group) {
    OBSCURA_TRY_STATUS(requireGroupOwner(group));
    OBSCURA_TRY(deleted, withRepos(storage_, [&](storage::Repositories& repos) {
                    return repos.albumSharing().deleteGroup(group.view.group.id);
                }));
    if (!deleted) return notFound("group not found");
    return {};
}

Expected<GroupGrant> GroupService::setMembers(const GroupGrant& group, const std::vector<std::string>& userIds) {
    OBSCURA_TRY_STATUS(requireGroupOwner(group));
    std::set<std::string> seen;
    for (const auto& id : userIds) {
        if (!seen.insert(id).second)
            return Error(ErrorCode::Invalid, "userIds lists " + id + " twice", "duplicate_member");
    }
    const auto& id = group.view.group.id;
    OBSCURA_TRY_STATUS(inTransaction(storage_, [&](storage::Repositories& repos) -> Status {
        for (const auto& userId : userIds) OBSCURA_TRY_STATUS(checkShareableUser(repos, userId));
        return repos.albumSharing().setGroupMembers(id, userIds, formatRfc3339(clock_.nowUs()));
    }));
    return reread(storage_, group.view.group.ownerId, id);
}

}  // namespace obscura::images

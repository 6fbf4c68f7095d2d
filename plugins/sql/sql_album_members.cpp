// Album members, groups and album groups (AlbumSharingRepository). Deleting a user, an album or a group removes
// their rows by the foreign keys' cascades, in the statement that deletes them (both schemas declare them).
#include "sql_album_sharing_repository.hpp"
#include "sql_atomic.hpp"
#include "sql_dialect.hpp"
#include "sql_sharing_rows.hpp"

namespace obscura::sql {

namespace {

using storage::AlbumRole;

constexpr std::string_view kGroupColumns = "g.id, g.owner_id, g.name, g.created_at, g.created_at_us, g.updated_at";
constexpr int kGroupColumnCount = 6;

storage::GroupRecord readGroup(const Rows& row) {
    return {row.text(0), row.text(1), row.text(2), row.text(3), row.int64(4), row.text(5)};
}

// Fills each group's members (rows are buffered: read after the groups, on the same connection).
void readMembers(Session& s, std::vector<storage::GroupView>& groups) {
    for (auto& view : groups) {
        auto stmt = s.prepare("SELECT " + std::string(kUserSummaryColumns) +
                              " FROM group_members AS gm JOIN users AS u ON u.id = gm.user_id"
                              " WHERE gm.group_id = ? ORDER BY u.username_key");
        auto rows = stmt.bind(view.group.id).query();
        while (rows.next()) view.members.push_back(readUserSummary(rows, 0));
    }
}

}  // namespace

Expected<std::vector<storage::AlbumMember>> SqlAlbumSharingRepository::listAlbumMembers(const std::string& albumId) {
    return guarded(s_, "list album members", [&]() -> Expected<std::vector<storage::AlbumMember>> {
        auto stmt = s_.prepare("SELECT " + std::string(kUserSummaryColumns) +
                               ", au.role, au.added_at FROM album_users AS au JOIN users AS u ON u.id = au.user_id"
                               " WHERE au.album_id = ? ORDER BY u.username_key");
        auto rows = stmt.bind(albumId).query();
        std::vector<storage::AlbumMember> out;
        while (rows.next()) out.push_back({readUserSummary(rows, 0), roleOfText(rows.text(3)), rows.text(4)});
        return out;
    });
}

Status SqlAlbumSharingRepository::addAlbumMember(const std::string& albumId, const std::string& userId, AlbumRole role,
                                                 const std::string& addedAt) {
    return guarded(s_, "add album member", [&]() -> Status {
        s_.prepare("INSERT INTO album_users (album_id, user_id, role, added_at) VALUES (?, ?, ?, ?)")
            .bind(albumId, userId, roleText(role), addedAt)
            .execute();
        return {};
    });
}

Expected<bool> SqlAlbumSharingRepository::setAlbumMemberRole(const std::string& albumId, const std::string& userId,
                                                             AlbumRole role) {
    return guarded(s_, "set album member role", [&]() -> Expected<bool> {
        return s_.prepare("UPDATE album_users SET role = ? WHERE album_id = ? AND user_id = ?")
                   .bind(roleText(role), albumId, userId)
                   .execute() > 0;
    });
}

Expected<bool> SqlAlbumSharingRepository::removeAlbumMember(const std::string& albumId, const std::string& userId) {
    return guarded(s_, "remove album member", [&]() -> Expected<bool> {
        return s_.prepare("DELETE FROM album_users WHERE album_id = ? AND user_id = ?")
                   .bind(albumId, userId)
                   .execute() > 0;
    });
}

Status SqlAlbumSharingRepository::createGroup(const storage::GroupRecord& g) {
    return guarded(s_, "create group", [&]() -> Status {
        s_.prepare(
              "INSERT INTO user_groups (id, owner_id, name, created_at, created_at_us, updated_at)"
              " VALUES (?, ?, ?, ?, ?, ?)")
            .bind(g.id, g.ownerId, g.name, g.createdAt, g.createdAtUs, g.updatedAt)
            .execute();
        return {};
    });
}

Expected<std::optional<storage::GroupView>> SqlAlbumSharingRepository::findGroup(const std::string& groupId) {
    return guarded(s_, "find group", [&]() -> Expected<std::optional<storage::GroupView>> {
        std::vector<storage::GroupView> found;
        auto stmt = s_.prepare("SELECT " + std::string(kGroupColumns) + " FROM user_groups AS g WHERE g.id = ?");
        auto rows = stmt.bind(groupId).query();
        while (rows.next()) found.push_back({readGroup(rows), {}});
        if (found.empty()) return std::optional<storage::GroupView>();
        readMembers(s_, found);
        return std::optional<storage::GroupView>(std::move(found.front()));
    });
}

Expected<std::vector<storage::GroupView>> SqlAlbumSharingRepository::listGroups(const std::string& userId) {
    return guarded(s_, "list groups", [&]() -> Expected<std::vector<storage::GroupView>> {
        auto stmt =
            s_.prepare("SELECT " + std::string(kGroupColumns) +
                       " FROM user_groups AS g WHERE g.owner_id = ? OR EXISTS (SELECT 1 FROM group_members AS gm"
                       " WHERE gm.group_id = g.id AND gm.user_id = ?) ORDER BY g.name, g.id");
        auto rows = stmt.bind(userId, userId).query();
        std::vector<storage::GroupView> out;
        while (rows.next()) out.push_back({readGroup(rows), {}});
        readMembers(s_, out);
        return out;
    });
}

Expected<bool> SqlAlbumSharingRepository::renameGroup(const std::string& groupId, const std::string& name,
                                                      const std::string& updatedAt) {
    return guarded(s_, "rename group", [&]() -> Expected<bool> {
        return s_.prepare("UPDATE user_groups SET name = ?, updated_at = ? WHERE id = ?")
                   .bind(name, updatedAt, groupId)
                   .execute() > 0;
    });
}

Expected<bool> SqlAlbumSharingRepository::deleteGroup(const std::string& groupId) {
    return guarded(s_, "delete group", [&]() -> Expected<bool> {
        return s_.prepare("DELETE FROM user_groups WHERE id = ?").bind(groupId).execute() > 0;
    });
}

Status SqlAlbumSharingRepository::setGroupMembers(const std::string& groupId, const std::vector<std::string>& userIds,
                                                  const std::string& updatedAt) {
    return guarded(s_, "set group members", [&]() -> Status {
        return atomically(s_, [&]() -> Status {
            if (s_.prepare("UPDATE user_groups SET updated_at = ? WHERE id = ?").bind(updatedAt, groupId).execute() ==
                0)
                return notFound("group not found");
            s_.prepare("DELETE FROM group_members WHERE group_id = ?").bind(groupId).execute();
            for (const auto& userId : userIds) {
                s_.prepare("INSERT INTO group_members (group_id, user_id) VALUES (?, ?)")
                    .bind(groupId, userId)
                    .execute();
            }
            return {};
        });
    });
}

Expected<std::vector<storage::AlbumGroupShare>> SqlAlbumSharingRepository::listAlbumGroups(const std::string& albumId) {
    return guarded(s_, "list album groups", [&]() -> Expected<std::vector<storage::AlbumGroupShare>> {
        auto stmt = s_.prepare("SELECT " + std::string(kGroupColumns) +
                               ", ag.role FROM album_groups AS ag JOIN user_groups AS g ON g.id = ag.group_id"
                               " WHERE ag.album_id = ? ORDER BY g.name, g.id");
        auto rows = stmt.bind(albumId).query();
        std::vector<storage::AlbumGroupShare> out;
        while (rows.next()) out.push_back({readGroup(rows), roleOfText(rows.text(kGroupColumnCount))});
        return out;
    });
}

Status SqlAlbumSharingRepository::setAlbumGroup(const std::string& albumId, const std::string& groupId,
                                                AlbumRole role) {
    return guarded(s_, "set album group", [&]() -> Status {
        const auto& d = s_.dialect();
        s_.prepare("INSERT INTO album_groups (album_id, group_id, role) VALUES (?, ?, ?)" +
                   d.onConflict("album_id, group_id") + "role = " + d.inserted("role"))
            .bind(albumId, groupId, roleText(role))
            .execute();
        return {};
    });
}

Expected<bool> SqlAlbumSharingRepository::removeAlbumGroup(const std::string& albumId, const std::string& groupId) {
    return guarded(s_, "remove album group", [&]() -> Expected<bool> {
        return s_.prepare("DELETE FROM album_groups WHERE album_id = ? AND group_id = ?")
                   .bind(albumId, groupId)
                   .execute() > 0;
    });
}

}  // namespace obscura::sql

#include "sqlite_auth_repository.hpp"

#include "sqlite_errors.hpp"

namespace obscura::sqlite {

const std::string_view kUserColumns =
    "id, username, username_key, email, display_name, bio, password_hash, is_admin, disabled, quota_bytes,"
    " token_version, created_at, updated_at";

storage::UserRecord readUserRow(const Statement& row, int first) {
    storage::UserRecord user;
    user.id = row.text(first + 0);
    user.username = row.text(first + 1);
    user.usernameKey = row.text(first + 2);
    user.email = row.text(first + 3);
    user.displayName = row.text(first + 4);
    user.bio = row.text(first + 5);
    user.passwordHash = row.text(first + 6);
    user.isAdmin = row.boolean(first + 7);
    user.disabled = row.boolean(first + 8);
    user.quotaBytes = row.optionalInt64(first + 9);
    user.tokenVersion = row.int64(first + 10);
    user.createdAt = row.text(first + 11);
    user.updatedAt = row.text(first + 12);
    return user;
}

std::int64_t changedRows(Connection& connection) {
    auto stmt = connection.prepare("SELECT changes()");
    return stmt.step() ? stmt.int64(0) : 0;
}

namespace {

// The 13 user values as ?1..?13, in kUserColumns order.
void bindUser(Statement& stmt, const storage::UserRecord& user) {
    stmt.bind(1, user.id)
        .bind(2, user.username)
        .bind(3, user.usernameKey)
        .bind(4, user.email)
        .bind(5, user.displayName)
        .bind(6, user.bio)
        .bind(7, user.passwordHash)
        .bind(8, user.isAdmin)
        .bind(9, user.disabled)
        .bind(10, user.quotaBytes)
        .bind(11, user.tokenVersion)
        .bind(12, user.createdAt)
        .bind(13, user.updatedAt);
}

constexpr std::string_view kUserValues = "?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13";

// Appended to a statement whose ?1 is the user's id and ?N says whether the guard applies.
std::string anotherAdminGuard(int flagParameter) {
    const std::string flag = "?" + std::to_string(flagParameter);
    return " AND (" + flag + " = 0 OR EXISTS (SELECT 1 FROM users AS other WHERE other.id <> ?1" +
           " AND other.is_admin = 1 AND other.disabled = 0))";
}

std::optional<storage::UserRecord> findOne(Connection& connection, std::string_view where, const std::string& key) {
    auto stmt =
        connection.prepare("SELECT " + std::string(kUserColumns) + " FROM users WHERE " + std::string(where) + " = ?1");
    stmt.bind(1, key);
    if (!stmt.step()) return std::nullopt;
    return readUserRow(stmt);
}

// After a guarded write changed nothing: was the user missing, or was the guard what stopped it?
storage::UserWrite whyUnchanged(Connection& connection, const std::string& id) {
    auto stmt = connection.prepare("SELECT 1 FROM users WHERE id = ?1");
    stmt.bind(1, id);
    return stmt.step() ? storage::UserWrite::LastAdmin : storage::UserWrite::NotFound;
}

}  // namespace

Expected<std::int64_t> SqliteAuthRepository::countUsers() {
    return guarded("count users", [&]() -> Expected<std::int64_t> {
        auto stmt = connection_.prepare("SELECT COUNT(*) FROM users");
        return stmt.step() ? stmt.int64(0) : 0;
    });
}

Status SqliteAuthRepository::createUser(const storage::UserRecord& user) {
    return guarded("create user", [&]() -> Status {
        auto stmt = connection_.prepare("INSERT INTO users (" + std::string(kUserColumns) + ") VALUES (" +
                                        std::string(kUserValues) + ")");
        bindUser(stmt, user);
        stmt.run();
        return {};
    });
}

Expected<bool> SqliteAuthRepository::createFirstUser(const storage::UserRecord& user) {
    return guarded("create first user", [&]() -> Expected<bool> {
        auto stmt = connection_.prepare("INSERT INTO users (" + std::string(kUserColumns) + ") SELECT " +
                                        std::string(kUserValues) + " WHERE NOT EXISTS (SELECT 1 FROM users)");
        bindUser(stmt, user);
        stmt.run();
        return changedRows(connection_) == 1;
    });
}

Expected<std::optional<storage::UserRecord>> SqliteAuthRepository::findUserById(const std::string& id) {
    return guarded("find user by id",
                   [&]() -> Expected<std::optional<storage::UserRecord>> { return findOne(connection_, "id", id); });
}

Expected<std::optional<storage::UserRecord>> SqliteAuthRepository::findUserByUsernameKey(
    const std::string& usernameKey) {
    return guarded("find user by username", [&]() -> Expected<std::optional<storage::UserRecord>> {
        return findOne(connection_, "username_key", usernameKey);
    });
}

Expected<std::vector<storage::UserRecord>> SqliteAuthRepository::listUsers(int limit,
                                                                           const std::string& afterUsernameKey) {
    if (limit < 1) return invalid("storage sqlite: list users: limit must be at least 1");
    return guarded("list users", [&]() -> Expected<std::vector<storage::UserRecord>> {
        auto stmt = connection_.prepare("SELECT " + std::string(kUserColumns) +
                                        " FROM users WHERE username_key > ?1 ORDER BY username_key LIMIT ?2");
        stmt.bind(1, afterUsernameKey).bind(2, limit);
        std::vector<storage::UserRecord> users;
        while (stmt.step()) users.push_back(readUserRow(stmt));
        return users;
    });
}

Expected<std::int64_t> SqliteAuthRepository::countActiveAdmins() {
    return guarded("count admins", [&]() -> Expected<std::int64_t> {
        auto stmt = connection_.prepare("SELECT COUNT(*) FROM users WHERE is_admin = 1 AND disabled = 0");
        return stmt.step() ? stmt.int64(0) : 0;
    });
}

Expected<storage::UserWrite> SqliteAuthRepository::updateUser(const storage::UserRecord& user, bool keepAnotherAdmin) {
    return guarded("update user", [&]() -> Expected<storage::UserWrite> {
        // One statement: the guard's check and the write cannot be separated by another writer.
        auto stmt = connection_.prepare(
            "UPDATE users SET email = ?2, display_name = ?3, bio = ?4, password_hash = ?5, is_admin = ?6,"
            " disabled = ?7, quota_bytes = ?8, token_version = ?9, updated_at = ?10 WHERE id = ?1" +
            anotherAdminGuard(11));
        stmt.bind(1, user.id)
            .bind(2, user.email)
            .bind(3, user.displayName)
            .bind(4, user.bio)
            .bind(5, user.passwordHash)
            .bind(6, user.isAdmin)
            .bind(7, user.disabled)
            .bind(8, user.quotaBytes)
            .bind(9, user.tokenVersion)
            .bind(10, user.updatedAt)
            .bind(11, keepAnotherAdmin)
            .run();
        if (changedRows(connection_) == 1) return storage::UserWrite::Done;
        return whyUnchanged(connection_, user.id);
    });
}

Expected<storage::UserWrite> SqliteAuthRepository::deleteUser(const std::string& id, bool keepAnotherAdmin) {
    return guarded("delete user", [&]() -> Expected<storage::UserWrite> {
        auto stmt = connection_.prepare("DELETE FROM users WHERE id = ?1" + anotherAdminGuard(2));
        stmt.bind(1, id).bind(2, keepAnotherAdmin).run();
        if (changedRows(connection_) == 1) return storage::UserWrite::Done;
        return whyUnchanged(connection_, id);
    });
}

}  // namespace obscura::sqlite

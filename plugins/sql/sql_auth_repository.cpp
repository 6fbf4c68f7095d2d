#include "sql_auth_repository.hpp"

#include "sql_atomic.hpp"
#include "sql_dialect.hpp"

namespace obscura::sql {

const std::string_view kUserColumns =
    "id, username, username_key, email, display_name, bio, password_hash, is_admin, disabled, quota_bytes,"
    " token_version, created_at, updated_at";

storage::UserRecord readUserRow(const Rows& row, int first) {
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

namespace {

constexpr std::string_view kUserValues = "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?";

void bindUser(Statement& stmt, const storage::UserRecord& user) {
    stmt.bind(user.id, user.username, user.usernameKey, user.email, user.displayName, user.bio, user.passwordHash,
              user.isAdmin, user.disabled, user.quotaBytes, user.tokenVersion, user.createdAt, user.updatedAt);
}

std::optional<storage::UserRecord> findOne(Session& connection, std::string_view where, const std::string& key) {
    auto stmt =
        connection.prepare("SELECT " + std::string(kUserColumns) + " FROM users WHERE " + std::string(where) + " = ?");
    stmt.bind(key);
    auto rows = stmt.query();
    if (!rows.next()) return std::nullopt;
    return readUserRow(rows);
}

// Locks the user's row; false when there is none.
bool lockUser(Session& connection, const std::string& id) {
    auto stmt = connection.prepare("SELECT 1 FROM users WHERE id = ?" + std::string(connection.dialect().forUpdate));
    stmt.bind(id);
    return stmt.query().next();
}

// Locks every other active admin and answers whether there is one. The locks are what make the guard
// atomic: a concurrent write taking away another admin's status waits for this transaction, and two such
// writes locking each other's rows deadlock, so one runs again and sees the other's result.
bool anotherActiveAdmin(Session& connection, const std::string& id) {
    auto stmt = connection.prepare("SELECT id FROM users WHERE is_admin = 1 AND disabled = 0 AND id <> ?" +
                                   std::string(connection.dialect().forUpdate));
    stmt.bind(id);
    auto rows = stmt.query();
    bool any = false;
    while (rows.next()) any = true;
    return any;
}

}  // namespace

Expected<std::int64_t> SqlAuthRepository::countUsers() {
    return guarded(s_, "count users", [&]() -> Expected<std::int64_t> {
        auto stmt = s_.prepare("SELECT COUNT(*) FROM users");
        auto rows = stmt.query();
        return rows.next() ? rows.int64(0) : 0;
    });
}

Status SqlAuthRepository::createUser(const storage::UserRecord& user) {
    return guarded(s_, "create user", [&]() -> Status {
        auto stmt = s_.prepare("INSERT INTO users (" + std::string(kUserColumns) + ") VALUES (" +
                               std::string(kUserValues) + ")");
        bindUser(stmt, user);
        stmt.execute();
        return {};
    });
}

Expected<bool> SqlAuthRepository::createFirstUser(const storage::UserRecord& user) {
    return guarded(s_, "create first user", [&]() -> Expected<bool> {
        return atomically(s_, [&]() -> Expected<bool> {
            // A locking read of the whole (empty) table: on an empty index it locks the gap before the end, so
            // two racing first registrations cannot both find it empty and both insert.
            auto any = s_.prepare("SELECT id FROM users LIMIT 1" + std::string(s_.dialect().forUpdate));
            if (any.query().next()) return false;
            auto stmt = s_.prepare("INSERT INTO users (" + std::string(kUserColumns) + ") VALUES (" +
                                   std::string(kUserValues) + ")");
            bindUser(stmt, user);
            stmt.execute();
            return true;
        });
    });
}

Expected<std::optional<storage::UserRecord>> SqlAuthRepository::findUserById(const std::string& id) {
    return guarded(s_, "find user by id",
                   [&]() -> Expected<std::optional<storage::UserRecord>> { return findOne(s_, "id", id); });
}

Expected<std::optional<storage::UserRecord>> SqlAuthRepository::findUserByUsernameKey(const std::string& usernameKey) {
    return guarded(s_, "find user by username", [&]() -> Expected<std::optional<storage::UserRecord>> {
        return findOne(s_, "username_key", usernameKey);
    });
}

Expected<std::vector<storage::UserRecord>> SqlAuthRepository::listUsers(int limit,
                                                                        const std::string& afterUsernameKey) {
    if (limit < 1) return invalid("storage " + std::string(backendName(s_)) + ": list users: limit must be at least 1");
    return guarded(s_, "list users", [&]() -> Expected<std::vector<storage::UserRecord>> {
        auto stmt = s_.prepare("SELECT " + std::string(kUserColumns) +
                               " FROM users WHERE username_key > ? ORDER BY username_key LIMIT ?");
        stmt.bind(afterUsernameKey, limit);
        auto rows = stmt.query();
        std::vector<storage::UserRecord> users;
        while (rows.next()) users.push_back(readUserRow(rows));
        return users;
    });
}

Expected<std::int64_t> SqlAuthRepository::countActiveAdmins() {
    return guarded(s_, "count admins", [&]() -> Expected<std::int64_t> {
        auto stmt = s_.prepare("SELECT COUNT(*) FROM users WHERE is_admin = 1 AND disabled = 0");
        auto rows = stmt.query();
        return rows.next() ? rows.int64(0) : 0;
    });
}

Expected<storage::UserWrite> SqlAuthRepository::updateUser(const storage::UserRecord& user, bool keepAnotherAdmin) {
    return guarded(s_, "update user", [&]() -> Expected<storage::UserWrite> {
        return atomically(s_, [&]() -> Expected<storage::UserWrite> {
            if (!lockUser(s_, user.id)) return storage::UserWrite::NotFound;
            if (keepAnotherAdmin && !anotherActiveAdmin(s_, user.id)) return storage::UserWrite::LastAdmin;
            auto stmt = s_.prepare(
                "UPDATE users SET email = ?, display_name = ?, bio = ?, password_hash = ?, is_admin = ?,"
                " disabled = ?, quota_bytes = ?, token_version = ?, updated_at = ? WHERE id = ?");
            stmt.bind(user.email, user.displayName, user.bio, user.passwordHash, user.isAdmin, user.disabled,
                      user.quotaBytes, user.tokenVersion, user.updatedAt, user.id);
            return stmt.execute() == 1 ? storage::UserWrite::Done : storage::UserWrite::NotFound;
        });
    });
}

Expected<storage::UserWrite> SqlAuthRepository::deleteUser(const std::string& id, bool keepAnotherAdmin) {
    return guarded(s_, "delete user", [&]() -> Expected<storage::UserWrite> {
        return atomically(s_, [&]() -> Expected<storage::UserWrite> {
            if (!lockUser(s_, id)) return storage::UserWrite::NotFound;
            if (keepAnotherAdmin && !anotherActiveAdmin(s_, id)) return storage::UserWrite::LastAdmin;
            // Tokens, keys, assets and their side tables go by ON DELETE CASCADE.
            auto stmt = s_.prepare("DELETE FROM users WHERE id = ?");
            stmt.bind(id);
            return stmt.execute() == 1 ? storage::UserWrite::Done : storage::UserWrite::NotFound;
        });
    });
}

}  // namespace obscura::sql

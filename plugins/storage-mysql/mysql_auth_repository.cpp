#include "mysql_auth_repository.hpp"

#include "mysql_atomic.hpp"
#include "mysql_errors.hpp"

namespace obscura::mysql {

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

std::optional<storage::UserRecord> findOne(Connection& connection, std::string_view where, const std::string& key) {
    auto stmt =
        connection.prepare("SELECT " + std::string(kUserColumns) + " FROM users WHERE " + std::string(where) + " = ?");
    stmt.bind(key);
    auto rows = stmt.query();
    if (!rows.next()) return std::nullopt;
    return readUserRow(rows);
}

// Locks the user's row; false when there is none.
bool lockUser(Connection& connection, const std::string& id) {
    auto stmt = connection.prepare("SELECT 1 FROM users WHERE id = ? FOR UPDATE");
    stmt.bind(id);
    return stmt.query().next();
}

// Locks every other active admin and answers whether there is one. The locks are what make the guard
// atomic: a concurrent write taking away another admin's status waits for this transaction, and two such
// writes locking each other's rows deadlock, so one runs again and sees the other's result.
bool anotherActiveAdmin(Connection& connection, const std::string& id) {
    auto stmt = connection.prepare("SELECT id FROM users WHERE is_admin = 1 AND disabled = 0 AND id <> ? FOR UPDATE");
    stmt.bind(id);
    auto rows = stmt.query();
    bool any = false;
    while (rows.next()) any = true;
    return any;
}

}  // namespace

Expected<std::int64_t> MysqlAuthRepository::countUsers() {
    return guarded("count users", [&]() -> Expected<std::int64_t> {
        auto stmt = connection_.prepare("SELECT COUNT(*) FROM users");
        auto rows = stmt.query();
        return rows.next() ? rows.int64(0) : 0;
    });
}

Status MysqlAuthRepository::createUser(const storage::UserRecord& user) {
    return guarded("create user", [&]() -> Status {
        auto stmt = connection_.prepare("INSERT INTO users (" + std::string(kUserColumns) + ") VALUES (" +
                                        std::string(kUserValues) + ")");
        bindUser(stmt, user);
        stmt.update();
        return {};
    });
}

Expected<bool> MysqlAuthRepository::createFirstUser(const storage::UserRecord& user) {
    return guarded("create first user", [&]() -> Expected<bool> {
        return atomically(connection_, [&]() -> Expected<bool> {
            // A locking read of the whole (empty) table: on an empty index it locks the gap before the end, so
            // two racing first registrations cannot both find it empty and both insert.
            auto any = connection_.prepare("SELECT id FROM users LIMIT 1 FOR UPDATE");
            if (any.query().next()) return false;
            auto stmt = connection_.prepare("INSERT INTO users (" + std::string(kUserColumns) + ") VALUES (" +
                                            std::string(kUserValues) + ")");
            bindUser(stmt, user);
            stmt.update();
            return true;
        });
    });
}

Expected<std::optional<storage::UserRecord>> MysqlAuthRepository::findUserById(const std::string& id) {
    return guarded("find user by id",
                   [&]() -> Expected<std::optional<storage::UserRecord>> { return findOne(connection_, "id", id); });
}

Expected<std::optional<storage::UserRecord>> MysqlAuthRepository::findUserByUsernameKey(
    const std::string& usernameKey) {
    return guarded("find user by username", [&]() -> Expected<std::optional<storage::UserRecord>> {
        return findOne(connection_, "username_key", usernameKey);
    });
}

Expected<std::vector<storage::UserRecord>> MysqlAuthRepository::listUsers(int limit,
                                                                          const std::string& afterUsernameKey) {
    if (limit < 1) return invalid("storage mysql: list users: limit must be at least 1");
    return guarded("list users", [&]() -> Expected<std::vector<storage::UserRecord>> {
        auto stmt = connection_.prepare("SELECT " + std::string(kUserColumns) +
                                        " FROM users WHERE username_key > ? ORDER BY username_key LIMIT ?");
        stmt.bind(afterUsernameKey, limit);
        auto rows = stmt.query();
        std::vector<storage::UserRecord> users;
        while (rows.next()) users.push_back(readUserRow(rows));
        return users;
    });
}

Expected<std::int64_t> MysqlAuthRepository::countActiveAdmins() {
    return guarded("count admins", [&]() -> Expected<std::int64_t> {
        auto stmt = connection_.prepare("SELECT COUNT(*) FROM users WHERE is_admin = 1 AND disabled = 0");
        auto rows = stmt.query();
        return rows.next() ? rows.int64(0) : 0;
    });
}

Expected<storage::UserWrite> MysqlAuthRepository::updateUser(const storage::UserRecord& user, bool keepAnotherAdmin) {
    return guarded("update user", [&]() -> Expected<storage::UserWrite> {
        return atomically(connection_, [&]() -> Expected<storage::UserWrite> {
            if (!lockUser(connection_, user.id)) return storage::UserWrite::NotFound;
            if (keepAnotherAdmin && !anotherActiveAdmin(connection_, user.id)) return storage::UserWrite::LastAdmin;
            auto stmt = connection_.prepare(
                "UPDATE users SET email = ?, display_name = ?, bio = ?, password_hash = ?, is_admin = ?,"
                " disabled = ?, quota_bytes = ?, token_version = ?, updated_at = ? WHERE id = ?");
            stmt.bind(user.email, user.displayName, user.bio, user.passwordHash, user.isAdmin, user.disabled,
                      user.quotaBytes, user.tokenVersion, user.updatedAt, user.id);
            return stmt.update() == 1 ? storage::UserWrite::Done : storage::UserWrite::NotFound;
        });
    });
}

Expected<storage::UserWrite> MysqlAuthRepository::deleteUser(const std::string& id, bool keepAnotherAdmin) {
    return guarded("delete user", [&]() -> Expected<storage::UserWrite> {
        return atomically(connection_, [&]() -> Expected<storage::UserWrite> {
            if (!lockUser(connection_, id)) return storage::UserWrite::NotFound;
            if (keepAnotherAdmin && !anotherActiveAdmin(connection_, id)) return storage::UserWrite::LastAdmin;
            // Tokens, keys, assets and their side tables go by ON DELETE CASCADE.
            auto stmt = connection_.prepare("DELETE FROM users WHERE id = ?");
            stmt.bind(id);
            return stmt.update() == 1 ? storage::UserWrite::Done : storage::UserWrite::NotFound;
        });
    });
}

}  // namespace obscura::mysql

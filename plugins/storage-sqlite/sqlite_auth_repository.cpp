#include "sqlite_auth_repository.hpp"

#include "sqlite_errors.hpp"

namespace obscura::sqlite {

namespace {

constexpr std::string_view kUserColumns =
    "id, username, username_key, email, display_name, bio, password_hash, is_admin, disabled, quota_bytes,"
    " created_at, updated_at";

storage::UserRecord readUser(const Statement& row) {
    storage::UserRecord user;
    user.id = row.text(0);
    user.username = row.text(1);
    user.usernameKey = row.text(2);
    user.email = row.text(3);
    user.displayName = row.text(4);
    user.bio = row.text(5);
    user.passwordHash = row.text(6);
    user.isAdmin = row.boolean(7);
    user.disabled = row.boolean(8);
    user.quotaBytes = row.optionalInt64(9);
    user.createdAt = row.text(10);
    user.updatedAt = row.text(11);
    return user;
}

std::optional<storage::UserRecord> findOne(Connection& connection, std::string_view where, const std::string& key) {
    auto stmt =
        connection.prepare("SELECT " + std::string(kUserColumns) + " FROM users WHERE " + std::string(where) + " = ?1");
    stmt.bind(1, key);
    if (!stmt.step()) return std::nullopt;
    return readUser(stmt);
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
        auto stmt = connection_.prepare("INSERT INTO users (" + std::string(kUserColumns) +
                                        ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)");
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
            .bind(11, user.createdAt)
            .bind(12, user.updatedAt)
            .run();
        return {};
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

}  // namespace obscura::sqlite

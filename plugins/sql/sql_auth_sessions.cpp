// The auth module's credentials besides passwords: refresh tokens, API keys, and the login-failure counters
// that throttle password guessing across every process sharing the database.
#include "sql_atomic.hpp"
#include "sql_auth_repository.hpp"
#include "sql_dialect.hpp"

namespace obscura::sql {

namespace {

constexpr std::string_view kRefreshColumns =
    "id, user_id, family_id, token_hash, created_at, expires_at_us, used_at_us, revoked";

storage::RefreshTokenRecord readRefreshToken(const Rows& row) {
    storage::RefreshTokenRecord token;
    token.id = row.text(0);
    token.userId = row.text(1);
    token.familyId = row.text(2);
    token.tokenHash = row.text(3);
    token.createdAt = row.text(4);
    token.expiresAtUs = row.int64(5);
    token.usedAtUs = row.optionalInt64(6);
    token.revoked = row.boolean(7);
    return token;
}

constexpr std::string_view kApiKeyColumns = "k.id, k.user_id, k.name, k.key_hash, k.created_at";
constexpr int kApiKeyColumnCount = 5;

storage::ApiKeyRecord readApiKey(const Rows& row) {
    storage::ApiKeyRecord key;
    key.id = row.text(0);
    key.userId = row.text(1);
    key.name = row.text(2);
    key.keyHash = row.text(3);
    key.createdAt = row.text(4);
    return key;
}

// kUserColumns, in its order, qualified by the alias "u." (api_keys shares id and created_at).
constexpr std::string_view kOwnerColumns =
    "u.id, u.username, u.username_key, u.email, u.display_name, u.bio, u.password_hash, u.is_admin, u.disabled,"
    " u.quota_bytes, u.token_version, u.created_at, u.updated_at";

storage::LoginFailures readFailures(const Rows& row) {
    return storage::LoginFailures{row.text(0), row.int64(1), row.int64(2)};
}

// Revokes the live tokens matching `column = value` first (to count them), then the used ones.
std::int64_t revokeWhere(Session& connection, std::string_view column, const std::string& value) {
    return atomically(connection, [&]() -> std::int64_t {
        const std::string where = " WHERE " + std::string(column) + " = ? AND revoked = 0";
        auto live = connection.prepare("UPDATE refresh_tokens SET revoked = 1" + where + " AND used_at_us IS NULL");
        live.bind(value);
        const std::int64_t count = live.execute();
        auto rest = connection.prepare("UPDATE refresh_tokens SET revoked = 1" + where);
        rest.bind(value).execute();
        return count;
    });
}

}  // namespace

Status SqlAuthRepository::createRefreshToken(const storage::RefreshTokenRecord& token) {
    return guarded(s_, "create refresh token", [&]() -> Status {
        auto stmt = s_.prepare("INSERT INTO refresh_tokens (" + std::string(kRefreshColumns) +
                               ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
        stmt.bind(token.id, token.userId, token.familyId, token.tokenHash, token.createdAt, token.expiresAtUs,
                  token.usedAtUs, token.revoked);
        stmt.execute();
        return {};
    });
}

Expected<std::optional<storage::RefreshTokenRecord>> SqlAuthRepository::findRefreshToken(const std::string& tokenHash) {
    return guarded(s_, "find refresh token", [&]() -> Expected<std::optional<storage::RefreshTokenRecord>> {
        auto stmt = s_.prepare("SELECT " + std::string(kRefreshColumns) + " FROM refresh_tokens WHERE token_hash = ?");
        stmt.bind(tokenHash);
        auto rows = stmt.query();
        if (!rows.next()) return std::optional<storage::RefreshTokenRecord>();
        return std::optional(readRefreshToken(rows));
    });
}

Expected<bool> SqlAuthRepository::consumeRefreshToken(const std::string& id, std::int64_t nowUs) {
    return guarded(s_, "consume refresh token", [&]() -> Expected<bool> {
        // One conditional UPDATE: the row lock makes a racing second rotation re-check used_at_us and miss.
        auto stmt =
            s_.prepare("UPDATE refresh_tokens SET used_at_us = ? WHERE id = ? AND used_at_us IS NULL AND revoked = 0");
        stmt.bind(nowUs, id);
        return stmt.execute() == 1;
    });
}

Expected<std::int64_t> SqlAuthRepository::revokeRefreshFamily(const std::string& familyId) {
    return guarded(s_, "revoke refresh family",
                   [&]() -> Expected<std::int64_t> { return revokeWhere(s_, "family_id", familyId); });
}

Expected<std::int64_t> SqlAuthRepository::revokeUserRefreshTokens(const std::string& userId) {
    return guarded(s_, "revoke refresh tokens of a user",
                   [&]() -> Expected<std::int64_t> { return revokeWhere(s_, "user_id", userId); });
}

Expected<std::int64_t> SqlAuthRepository::purgeRefreshTokens(std::int64_t expiredBeforeUs) {
    return guarded(s_, "purge refresh tokens", [&]() -> Expected<std::int64_t> {
        auto stmt = s_.prepare("DELETE FROM refresh_tokens WHERE expires_at_us < ?");
        stmt.bind(expiredBeforeUs);
        return stmt.execute();
    });
}

Status SqlAuthRepository::createApiKey(const storage::ApiKeyRecord& key) {
    return guarded(s_, "create API key", [&]() -> Status {
        auto stmt = s_.prepare("INSERT INTO api_keys (id, user_id, name, key_hash, created_at) VALUES (?, ?, ?, ?, ?)");
        stmt.bind(key.id, key.userId, key.name, key.keyHash, key.createdAt).execute();
        return {};
    });
}

Expected<std::optional<storage::ApiKeyWithOwner>> SqlAuthRepository::findApiKeyByHash(const std::string& keyHash) {
    return guarded(s_, "find API key", [&]() -> Expected<std::optional<storage::ApiKeyWithOwner>> {
        const std::string sql = "SELECT " + std::string(kApiKeyColumns) + ", " + std::string(kOwnerColumns) +
                                " FROM api_keys AS k JOIN users AS u ON u.id = k.user_id WHERE k.key_hash = ?";
        auto stmt = s_.prepare(sql);
        stmt.bind(keyHash);
        auto rows = stmt.query();
        if (!rows.next()) return std::optional<storage::ApiKeyWithOwner>();
        return std::optional(storage::ApiKeyWithOwner{readApiKey(rows), readUserRow(rows, kApiKeyColumnCount)});
    });
}

Expected<std::vector<storage::ApiKeyRecord>> SqlAuthRepository::listApiKeys(const std::string& userId) {
    return guarded(s_, "list API keys", [&]() -> Expected<std::vector<storage::ApiKeyRecord>> {
        auto stmt = s_.prepare("SELECT " + std::string(kApiKeyColumns) +
                               " FROM api_keys AS k WHERE k.user_id = ? ORDER BY k.created_at, k.id");
        stmt.bind(userId);
        auto rows = stmt.query();
        std::vector<storage::ApiKeyRecord> keys;
        while (rows.next()) keys.push_back(readApiKey(rows));
        return keys;
    });
}

Expected<std::optional<storage::ApiKeyRecord>> SqlAuthRepository::findApiKey(const std::string& userId,
                                                                             const std::string& id) {
    return guarded(s_, "find API key by id", [&]() -> Expected<std::optional<storage::ApiKeyRecord>> {
        auto stmt = s_.prepare("SELECT " + std::string(kApiKeyColumns) +
                               " FROM api_keys AS k WHERE k.id = ? AND k.user_id = ?");
        stmt.bind(id, userId);
        auto rows = stmt.query();
        if (!rows.next()) return std::optional<storage::ApiKeyRecord>();
        return std::optional(readApiKey(rows));
    });
}

Expected<bool> SqlAuthRepository::deleteApiKey(const std::string& userId, const std::string& id) {
    return guarded(s_, "delete API key", [&]() -> Expected<bool> {
        auto stmt = s_.prepare("DELETE FROM api_keys WHERE id = ? AND user_id = ?");
        return stmt.bind(id, userId).execute() == 1;
    });
}

Expected<storage::LoginFailures> SqlAuthRepository::addLoginFailure(const std::string& key, std::int64_t nowUs,
                                                                    std::int64_t windowUs) {
    return guarded(s_, "count a login failure", [&]() -> Expected<storage::LoginFailures> {
        return atomically(s_, [&]() -> Expected<storage::LoginFailures> {
            // Some engines run the assignments left to right and let later ones see earlier results (MySQL),
            // others see the old row in all of them (SQLite): failures goes first, so both test the old window.
            auto stmt =
                s_.prepare("INSERT INTO login_failures (`key`, failures, window_start_us) VALUES (?, 1, ?)" +
                           s_.dialect().onConflict("`key`") +
                           "failures = CASE WHEN window_start_us <= ? - ? THEN 1 ELSE failures + 1 END,"
                           " window_start_us = CASE WHEN window_start_us <= ? - ? THEN ? ELSE window_start_us END");
            stmt.bind(key, nowUs, nowUs, windowUs, nowUs, windowUs, nowUs).execute();
            // Read under the row lock the upsert holds: the counter as this failure left it.
            auto read = s_.prepare("SELECT `key`, failures, window_start_us FROM login_failures WHERE `key` = ?" +
                                   std::string(s_.dialect().forUpdate));
            read.bind(key);
            auto rows = read.query();
            if (!rows.next()) {
                return internalError("storage " + std::string(backendName(s_)) +
                                     ": the login failure counter vanished after its update");
            }
            return readFailures(rows);
        });
    });
}

Expected<std::optional<storage::LoginFailures>> SqlAuthRepository::findLoginFailures(const std::string& key) {
    return guarded(s_, "find login failures", [&]() -> Expected<std::optional<storage::LoginFailures>> {
        auto stmt = s_.prepare("SELECT `key`, failures, window_start_us FROM login_failures WHERE `key` = ?");
        stmt.bind(key);
        auto rows = stmt.query();
        if (!rows.next()) return std::optional<storage::LoginFailures>();
        return std::optional(readFailures(rows));
    });
}

Status SqlAuthRepository::clearLoginFailures(const std::string& key) {
    return guarded(s_, "clear login failures", [&]() -> Status {
        auto stmt = s_.prepare("DELETE FROM login_failures WHERE `key` = ?");
        stmt.bind(key).execute();
        return {};
    });
}

Expected<std::int64_t> SqlAuthRepository::purgeLoginFailures(std::int64_t windowStartedBeforeUs) {
    return guarded(s_, "purge login failures", [&]() -> Expected<std::int64_t> {
        auto stmt = s_.prepare("DELETE FROM login_failures WHERE window_start_us < ?");
        return stmt.bind(windowStartedBeforeUs).execute();
    });
}

}  // namespace obscura::sql

// The auth module's credentials besides passwords: refresh tokens, API keys, and the login-failure counters
// that throttle password guessing across every process sharing the database.
#include "sqlite_auth_repository.hpp"
#include "sqlite_errors.hpp"

namespace obscura::sqlite {

namespace {

constexpr std::string_view kRefreshColumns =
    "id, user_id, family_id, token_hash, created_at, expires_at_us, used_at_us, revoked";

storage::RefreshTokenRecord readRefreshToken(const Statement& row) {
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

storage::ApiKeyRecord readApiKey(const Statement& row) {
    storage::ApiKeyRecord key;
    key.id = row.text(0);
    key.userId = row.text(1);
    key.name = row.text(2);
    key.keyHash = row.text(3);
    key.createdAt = row.text(4);
    return key;
}

// kUserColumns with every column qualified by the alias "u.".
std::string qualifiedUserColumns() {
    std::string out;
    std::string_view rest = kUserColumns;
    while (!rest.empty()) {
        const auto comma = rest.find(',');
        std::string_view column = rest.substr(0, comma);
        while (!column.empty() && column.front() == ' ') column.remove_prefix(1);
        out += out.empty() ? "u." : ", u.";
        out += column;
        rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    }
    return out;
}

storage::LoginFailures readFailures(const Statement& row) {
    return storage::LoginFailures{row.text(0), row.int64(1), row.int64(2)};
}

}  // namespace

Status SqliteAuthRepository::createRefreshToken(const storage::RefreshTokenRecord& token) {
    return guarded("create refresh token", [&]() -> Status {
        auto stmt = connection_.prepare("INSERT INTO refresh_tokens (" + std::string(kRefreshColumns) +
                                        ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
        stmt.bind(1, token.id)
            .bind(2, token.userId)
            .bind(3, token.familyId)
            .bind(4, token.tokenHash)
            .bind(5, token.createdAt)
            .bind(6, token.expiresAtUs)
            .bind(7, token.usedAtUs)
            .bind(8, token.revoked)
            .run();
        return {};
    });
}

Expected<std::optional<storage::RefreshTokenRecord>> SqliteAuthRepository::findRefreshToken(
    const std::string& tokenHash) {
    return guarded("find refresh token", [&]() -> Expected<std::optional<storage::RefreshTokenRecord>> {
        auto stmt = connection_.prepare("SELECT " + std::string(kRefreshColumns) +
                                        " FROM refresh_tokens WHERE token_hash = ?1");
        stmt.bind(1, tokenHash);
        if (!stmt.step()) return std::optional<storage::RefreshTokenRecord>();
        return std::optional(readRefreshToken(stmt));
    });
}

Expected<bool> SqliteAuthRepository::consumeRefreshToken(const std::string& id, std::int64_t nowUs) {
    return guarded("consume refresh token", [&]() -> Expected<bool> {
        auto stmt = connection_.prepare(
            "UPDATE refresh_tokens SET used_at_us = ?2 WHERE id = ?1 AND used_at_us IS NULL AND revoked = 0");
        stmt.bind(1, id).bind(2, nowUs).run();
        return changedRows(connection_) == 1;
    });
}

Expected<std::int64_t> SqliteAuthRepository::revokeRefreshFamily(const std::string& familyId) {
    return guarded("revoke refresh family", [&]() -> Expected<std::int64_t> {
        auto stmt = connection_.prepare(
            "UPDATE refresh_tokens SET revoked = 1 WHERE family_id = ?1 AND revoked = 0 AND used_at_us IS NULL");
        stmt.bind(1, familyId).run();
        const std::int64_t live = changedRows(connection_);
        auto rest = connection_.prepare("UPDATE refresh_tokens SET revoked = 1 WHERE family_id = ?1 AND revoked = 0");
        rest.bind(1, familyId).run();
        return live;
    });
}

Expected<std::int64_t> SqliteAuthRepository::revokeUserRefreshTokens(const std::string& userId) {
    return guarded("revoke refresh tokens of a user", [&]() -> Expected<std::int64_t> {
        auto stmt = connection_.prepare(
            "UPDATE refresh_tokens SET revoked = 1 WHERE user_id = ?1 AND revoked = 0 AND used_at_us IS NULL");
        stmt.bind(1, userId).run();
        const std::int64_t live = changedRows(connection_);
        auto rest = connection_.prepare("UPDATE refresh_tokens SET revoked = 1 WHERE user_id = ?1 AND revoked = 0");
        rest.bind(1, userId).run();
        return live;
    });
}

Expected<std::int64_t> SqliteAuthRepository::purgeRefreshTokens(std::int64_t expiredBeforeUs) {
    return guarded("purge refresh tokens", [&]() -> Expected<std::int64_t> {
        auto stmt = connection_.prepare("DELETE FROM refresh_tokens WHERE expires_at_us < ?1");
        stmt.bind(1, expiredBeforeUs).run();
        return changedRows(connection_);
    });
}

Status SqliteAuthRepository::createApiKey(const storage::ApiKeyRecord& key) {
    return guarded("create API key", [&]() -> Status {
        auto stmt = connection_.prepare(
            "INSERT INTO api_keys (id, user_id, name, key_hash, created_at) VALUES (?1, ?2, ?3, ?4, ?5)");
        stmt.bind(1, key.id).bind(2, key.userId).bind(3, key.name).bind(4, key.keyHash).bind(5, key.createdAt).run();
        return {};
    });
}

Expected<std::optional<storage::ApiKeyWithOwner>> SqliteAuthRepository::findApiKeyByHash(const std::string& keyHash) {
    return guarded("find API key", [&]() -> Expected<std::optional<storage::ApiKeyWithOwner>> {
        static const std::string sql = "SELECT " + std::string(kApiKeyColumns) + ", " + qualifiedUserColumns() +
                                       " FROM api_keys AS k JOIN users AS u ON u.id = k.user_id WHERE k.key_hash = ?1";
        auto stmt = connection_.prepare(sql);
        stmt.bind(1, keyHash);
        if (!stmt.step()) return std::optional<storage::ApiKeyWithOwner>();
        return std::optional(storage::ApiKeyWithOwner{readApiKey(stmt), readUserRow(stmt, kApiKeyColumnCount)});
    });
}

Expected<std::vector<storage::ApiKeyRecord>> SqliteAuthRepository::listApiKeys(const std::string& userId) {
    return guarded("list API keys", [&]() -> Expected<std::vector<storage::ApiKeyRecord>> {
        auto stmt = connection_.prepare("SELECT " + std::string(kApiKeyColumns) +
                                        " FROM api_keys AS k WHERE k.user_id = ?1 ORDER BY k.created_at, k.id");
        stmt.bind(1, userId);
        std::vector<storage::ApiKeyRecord> keys;
        while (stmt.step()) keys.push_back(readApiKey(stmt));
        return keys;
    });
}

Expected<std::optional<storage::ApiKeyRecord>> SqliteAuthRepository::findApiKey(const std::string& userId,
                                                                                const std::string& id) {
    return guarded("find API key by id", [&]() -> Expected<std::optional<storage::ApiKeyRecord>> {
        auto stmt = connection_.prepare("SELECT " + std::string(kApiKeyColumns) +
                                        " FROM api_keys AS k WHERE k.id = ?1 AND k.user_id = ?2");
        stmt.bind(1, id).bind(2, userId);
        if (!stmt.step()) return std::optional<storage::ApiKeyRecord>();
        return std::optional(readApiKey(stmt));
    });
}

Expected<bool> SqliteAuthRepository::deleteApiKey(const std::string& userId, const std::string& id) {
    return guarded("delete API key", [&]() -> Expected<bool> {
        auto stmt = connection_.prepare("DELETE FROM api_keys WHERE id = ?1 AND user_id = ?2");
        stmt.bind(1, id).bind(2, userId).run();
        return changedRows(connection_) == 1;
    });
}

Expected<storage::LoginFailures> SqliteAuthRepository::addLoginFailure(const std::string& key, std::int64_t nowUs,
                                                                       std::int64_t windowUs) {
    return guarded("count a login failure", [&]() -> Expected<storage::LoginFailures> {
        // Every SET expression sees the row as it was, so both CASEs test the old window.
        auto stmt = connection_.prepare(
            "INSERT INTO login_failures (key, failures, window_start_us) VALUES (?1, 1, ?2)"
            " ON CONFLICT (key) DO UPDATE SET"
            " failures = CASE WHEN login_failures.window_start_us <= ?2 - ?3 THEN 1"
            " ELSE login_failures.failures + 1 END,"
            " window_start_us = CASE WHEN login_failures.window_start_us <= ?2 - ?3 THEN ?2"
            " ELSE login_failures.window_start_us END");
        stmt.bind(1, key).bind(2, nowUs).bind(3, windowUs).run();
        auto read = connection_.prepare("SELECT key, failures, window_start_us FROM login_failures WHERE key = ?1");
        read.bind(1, key);
        if (!read.step()) return internalError("storage sqlite: the login failure counter vanished after its update");
        return readFailures(read);
    });
}

Expected<std::optional<storage::LoginFailures>> SqliteAuthRepository::findLoginFailures(const std::string& key) {
    return guarded("find login failures", [&]() -> Expected<std::optional<storage::LoginFailures>> {
        auto stmt = connection_.prepare("SELECT key, failures, window_start_us FROM login_failures WHERE key = ?1");
        stmt.bind(1, key);
        if (!stmt.step()) return std::optional<storage::LoginFailures>();
        return std::optional(readFailures(stmt));
    });
}

Status SqliteAuthRepository::clearLoginFailures(const std::string& key) {
    return guarded("clear login failures", [&]() -> Status {
        auto stmt = connection_.prepare("DELETE FROM login_failures WHERE key = ?1");
        stmt.bind(1, key).run();
        return {};
    });
}

Expected<std::int64_t> SqliteAuthRepository::purgeLoginFailures(std::int64_t windowStartedBeforeUs) {
    return guarded("purge login failures", [&]() -> Expected<std::int64_t> {
        auto stmt = connection_.prepare("DELETE FROM login_failures WHERE window_start_us < ?1");
        stmt.bind(1, windowStartedBeforeUs).run();
        return changedRows(connection_);
    });
}

}  // namespace obscura::sqlite

// Mailed password-reset tokens, and finding the accounts an address belongs to.
#include "sql_password_resets_repository.hpp"

#include "sql_auth_repository.hpp"

namespace obscura::sql {

Expected<std::vector<storage::UserRecord>> SqlPasswordResetsRepository::findUsersByEmail(const std::string& email,
                                                                                         int limit) {
    if (email.empty() || limit < 1) return std::vector<storage::UserRecord>();
    return guarded(s_, "find users by email", [&]() -> Expected<std::vector<storage::UserRecord>> {
        // LOWER() on both sides: MySQL's collation ignores case anyway, SQLite's = does not.
        auto stmt = s_.prepare("SELECT " + std::string(kUserColumns) +
                               " FROM users WHERE LOWER(email) = LOWER(?) ORDER BY username_key LIMIT ?");
        auto rows = stmt.bind(email, static_cast<std::int64_t>(limit)).query();
        std::vector<storage::UserRecord> out;
        while (rows.next()) out.push_back(readUserRow(rows));
        return out;
    });
}

Status SqlPasswordResetsRepository::createPasswordReset(const storage::PasswordResetRecord& r) {
    return guarded(s_, "create password reset", [&]() -> Status {
        s_.prepare(
              "INSERT INTO password_resets (token_hash, user_id, created_at_us, expires_at_us, used_at_us) "
              "VALUES (?, ?, ?, ?, ?)")
            .bind(r.tokenHash, r.userId, r.createdAtUs, r.expiresAtUs, r.usedAtUs)
            .execute();
        return {};
    });
}

Expected<std::optional<storage::PasswordResetRecord>> SqlPasswordResetsRepository::findPasswordReset(
    const std::string& tokenHash) {
    return guarded(s_, "find password reset", [&]() -> Expected<std::optional<storage::PasswordResetRecord>> {
        auto stmt = s_.prepare(
            "SELECT token_hash, user_id, created_at_us, expires_at_us, used_at_us FROM password_resets "
            "WHERE token_hash = ?");
        auto rows = stmt.bind(tokenHash).query();
        if (!rows.next()) return std::optional<storage::PasswordResetRecord>();
        storage::PasswordResetRecord r;
        r.tokenHash = rows.text(0);
        r.userId = rows.text(1);
        r.createdAtUs = rows.int64(2);
        r.expiresAtUs = rows.int64(3);
        r.usedAtUs = rows.optionalInt64(4);
        return std::optional(std::move(r));
    });
}

Expected<bool> SqlPasswordResetsRepository::consumePasswordReset(const std::string& tokenHash, std::int64_t nowUs) {
    return guarded(s_, "consume password reset", [&]() -> Expected<bool> {
        return s_.prepare(
                     "UPDATE password_resets SET used_at_us = ? "
                     "WHERE token_hash = ? AND used_at_us IS NULL AND expires_at_us > ?")
                   .bind(nowUs, tokenHash, nowUs)
                   .execute() == 1;
    });
}

Expected<std::int64_t> SqlPasswordResetsRepository::deleteUserPasswordResets(const std::string& userId) {
    return guarded(s_, "delete password resets of a user", [&]() -> Expected<std::int64_t> {
        return s_.prepare("DELETE FROM password_resets WHERE user_id = ? AND used_at_us IS NULL")
            .bind(userId)
            .execute();
    });
}

Expected<std::int64_t> SqlPasswordResetsRepository::purgePasswordResets(std::int64_t expiredBeforeUs) {
    return guarded(s_, "purge password resets", [&]() -> Expected<std::int64_t> {
        return s_.prepare("DELETE FROM password_resets WHERE expires_at_us < ?").bind(expiredBeforeUs).execute();
    });
}

}  // namespace obscura::sql

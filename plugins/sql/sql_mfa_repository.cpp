// Two-factor sign-in: the user's TOTP secret, recovery codes and sign-in challenges.
#include "sql_mfa_repository.hpp"

#include "sql_atomic.hpp"
#include "sql_dialect.hpp"

namespace obscura::sql {

Expected<std::optional<storage::MfaRecord>> SqlMfaRepository::findMfa(const std::string& userId) {
    return guarded(s_, "find mfa", [&]() -> Expected<std::optional<storage::MfaRecord>> {
        auto stmt =
            s_.prepare("SELECT user_id, secret, enabled, last_step, created_at_us FROM user_mfa WHERE user_id = ?");
        auto rows = stmt.bind(userId).query();
        if (!rows.next()) return std::optional<storage::MfaRecord>();
        storage::MfaRecord r;
        r.userId = rows.text(0);
        r.secret = rows.text(1);
        r.enabled = rows.boolean(2);
        r.lastStep = rows.int64(3);
        r.createdAtUs = rows.int64(4);
        return std::optional(std::move(r));
    });
}

Expected<bool> SqlMfaRepository::setPendingMfa(const storage::MfaRecord& r) {
    return guarded(s_, "set pending mfa", [&]() -> Expected<bool> {
        return atomically(s_, [&]() -> Expected<bool> {
            // Locks an existing row, so a racing enable waits for this write (or this one sees it enabled).
            auto current =
                s_.prepare("SELECT enabled FROM user_mfa WHERE user_id = ?" + std::string(s_.dialect().forUpdate));
            auto rows = current.bind(r.userId).query();
            const bool exists = rows.next();
            if (exists && rows.boolean(0)) return false;
            if (exists) {
                s_.prepare("UPDATE user_mfa SET secret = ?, last_step = 0, created_at_us = ? WHERE user_id = ?")
                    .bind(r.secret, r.createdAtUs, r.userId)
                    .execute();
            } else {
                s_.prepare(
                      "INSERT INTO user_mfa (user_id, secret, enabled, last_step, created_at_us) "
                      "VALUES (?, ?, 0, 0, ?)")
                    .bind(r.userId, r.secret, r.createdAtUs)
                    .execute();
            }
            return true;
        });
    });
}

Expected<bool> SqlMfaRepository::enableMfa(const std::string& userId, std::int64_t lastStep,
                                           const std::vector<std::string>& codeHashes) {
    return guarded(s_, "enable mfa", [&]() -> Expected<bool> {
        return atomically(s_, [&]() -> Expected<bool> {
            const auto changed =
                s_.prepare("UPDATE user_mfa SET enabled = 1, last_step = ? WHERE user_id = ? AND enabled = 0")
                    .bind(lastStep, userId)
                    .execute();
            if (changed != 1) return false;
            s_.prepare("DELETE FROM mfa_recovery_codes WHERE user_id = ?").bind(userId).execute();
            for (const auto& hash : codeHashes) {
                s_.prepare("INSERT INTO mfa_recovery_codes (user_id, code_hash, used_at_us) VALUES (?, ?, NULL)")
                    .bind(userId, hash)
                    .execute();
            }
            return true;
        });
    });
}

Expected<bool> SqlMfaRepository::advanceMfaStep(const std::string& userId, std::int64_t step) {
    return guarded(s_, "advance mfa step", [&]() -> Expected<bool> {
        return s_.prepare("UPDATE user_mfa SET last_step = ? WHERE user_id = ? AND enabled = 1 AND last_step < ?")
                   .bind(step, userId, step)
                   .execute() == 1;
    });
}

Expected<bool> SqlMfaRepository::deleteMfa(const std::string& userId) {
    return guarded(s_, "delete mfa", [&]() -> Expected<bool> {
        return atomically(s_, [&]() -> Expected<bool> {
            s_.prepare("DELETE FROM mfa_recovery_codes WHERE user_id = ?").bind(userId).execute();
            return s_.prepare("DELETE FROM user_mfa WHERE user_id = ?").bind(userId).execute() > 0;
        });
    });
}

Expected<bool> SqlMfaRepository::useRecoveryCode(const std::string& userId, const std::string& codeHash,
                                                 std::int64_t nowUs) {
    return guarded(s_, "use recovery code", [&]() -> Expected<bool> {
        return s_.prepare(
                     "UPDATE mfa_recovery_codes SET used_at_us = ? "
                     "WHERE user_id = ? AND code_hash = ? AND used_at_us IS NULL")
                   .bind(nowUs, userId, codeHash)
                   .execute() == 1;
    });
}

Expected<std::int64_t> SqlMfaRepository::countRecoveryCodes(const std::string& userId) {
    return guarded(s_, "count recovery codes", [&]() -> Expected<std::int64_t> {
        auto stmt = s_.prepare("SELECT COUNT(*) FROM mfa_recovery_codes WHERE user_id = ? AND used_at_us IS NULL");
        auto rows = stmt.bind(userId).query();
        return rows.next() ? rows.int64(0) : 0;
    });
}

Status SqlMfaRepository::createMfaChallenge(const storage::MfaChallengeRecord& c) {
    return guarded(s_, "create mfa challenge", [&]() -> Status {
        s_.prepare("INSERT INTO mfa_challenges (token_hash, user_id, expires_at_us, used_at_us) VALUES (?, ?, ?, ?)")
            .bind(c.tokenHash, c.userId, c.expiresAtUs, c.usedAtUs)
            .execute();
        return {};
    });
}

Expected<std::optional<storage::MfaChallengeRecord>> SqlMfaRepository::findMfaChallenge(const std::string& tokenHash) {
    return guarded(s_, "find mfa challenge", [&]() -> Expected<std::optional<storage::MfaChallengeRecord>> {
        auto stmt = s_.prepare(
            "SELECT token_hash, user_id, expires_at_us, used_at_us FROM mfa_challenges WHERE token_hash = ?");
        auto rows = stmt.bind(tokenHash).query();
        if (!rows.next()) return std::optional<storage::MfaChallengeRecord>();
        storage::MfaChallengeRecord c;
        c.tokenHash = rows.text(0);
        c.userId = rows.text(1);
        c.expiresAtUs = rows.int64(2);
        c.usedAtUs = rows.optionalInt64(3);
        return std::optional(std::move(c));
    });
}

Expected<bool> SqlMfaRepository::consumeMfaChallenge(const std::string& tokenHash, std::int64_t nowUs) {
    return guarded(s_, "consume mfa challenge", [&]() -> Expected<bool> {
        return s_.prepare(
                     "UPDATE mfa_challenges SET used_at_us = ? "
                     "WHERE token_hash = ? AND used_at_us IS NULL AND expires_at_us > ?")
                   .bind(nowUs, tokenHash, nowUs)
                   .execute() == 1;
    });
}

Expected<std::int64_t> SqlMfaRepository::purgeMfaChallenges(std::int64_t expiredBeforeUs) {
    return guarded(s_, "purge mfa challenges", [&]() -> Expected<std::int64_t> {
        return s_.prepare("DELETE FROM mfa_challenges WHERE expires_at_us < ?").bind(expiredBeforeUs).execute();
    });
}

}  // namespace obscura::sql

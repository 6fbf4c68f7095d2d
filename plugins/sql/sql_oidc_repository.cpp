// OIDC sign-in. A pending sign-in is taken by its DELETE: the row count decides which of two racing callbacks
// with the same state wins, on either backend, without a transaction.
#include "sql_oidc_repository.hpp"

#include <algorithm>
#include <cctype>

#include "sql_auth_repository.hpp"

namespace obscura::sql {

Status SqlOidcRepository::createLogin(const storage::OidcLoginRecord& login) {
    if (login.stateHash.empty()) return invalid("a pending OIDC sign-in needs a state");
    return guarded(s_, "create OIDC sign-in", [&]() -> Status {
        s_.prepare("INSERT INTO oidc_logins (state_hash, nonce, code_verifier, expires_at_us) VALUES (?, ?, ?, ?)")
            .bind(login.stateHash, login.nonce, login.codeVerifier, login.expiresAtUs)
            .execute();
        return {};
    });
}

Expected<std::optional<storage::OidcLoginRecord>> SqlOidcRepository::takeLogin(const std::string& stateHash,
                                                                               std::int64_t nowUs) {
    return guarded(s_, "take OIDC sign-in", [&]() -> Expected<std::optional<storage::OidcLoginRecord>> {
        std::optional<storage::OidcLoginRecord> login;
        {  // the read's statement is finished before the delete runs on the same connection
            auto select = s_.prepare(
                "SELECT state_hash, nonce, code_verifier, expires_at_us FROM oidc_logins WHERE state_hash = ?");
            auto rows = select.bind(stateHash).query();
            if (rows.next()) login = storage::OidcLoginRecord{rows.text(0), rows.text(1), rows.text(2), rows.int64(3)};
        }
        if (!login) return login;
        const auto removed = s_.prepare("DELETE FROM oidc_logins WHERE state_hash = ?").bind(stateHash).execute();
        if (removed != 1 || login->expiresAtUs <= nowUs) return std::optional<storage::OidcLoginRecord>();
        return login;
    });
}

Expected<std::int64_t> SqlOidcRepository::purgeLogins(std::int64_t expiredBeforeUs) {
    return guarded(s_, "purge OIDC sign-ins", [&]() -> Expected<std::int64_t> {
        return s_.prepare("DELETE FROM oidc_logins WHERE expires_at_us < ?").bind(expiredBeforeUs).execute();
    });
}

Expected<std::optional<std::string>> SqlOidcRepository::findIdentity(const std::string& issuer,
                                                                     const std::string& subject) {
    return guarded(s_, "find OIDC identity", [&]() -> Expected<std::optional<std::string>> {
        auto stmt = s_.prepare("SELECT user_id FROM oidc_identities WHERE issuer = ? AND subject = ?");
        auto rows = stmt.bind(issuer, subject).query();
        if (!rows.next()) return std::optional<std::string>();
        return std::optional(rows.text(0));
    });
}

Status SqlOidcRepository::linkIdentity(const storage::OidcIdentityRecord& identity) {
    if (identity.issuer.empty() || identity.subject.empty())
        return invalid("an OIDC identity needs issuer and subject");
    return guarded(s_, "link OIDC identity", [&]() -> Status {
        s_.prepare("INSERT INTO oidc_identities (issuer, subject, user_id, created_at) VALUES (?, ?, ?, ?)")
            .bind(identity.issuer, identity.subject, identity.userId, identity.createdAt)
            .execute();
        return {};
    });
}

Expected<std::vector<storage::UserRecord>> SqlOidcRepository::findUsersByEmail(const std::string& email) {
    std::string key = email;
    std::transform(key.begin(), key.end(), key.begin(), [](unsigned char c) { return std::tolower(c); });
    if (key.empty()) return std::vector<storage::UserRecord>();
    return guarded(s_, "find users by e-mail", [&]() -> Expected<std::vector<storage::UserRecord>> {
        auto stmt = s_.prepare("SELECT " + std::string(kUserColumns) + " FROM users WHERE LOWER(email) = ? LIMIT 2");
        auto rows = stmt.bind(key).query();
        std::vector<storage::UserRecord> users;
        while (rows.next()) users.push_back(readUserRow(rows));
        return users;
    });
}

}  // namespace obscura::sql

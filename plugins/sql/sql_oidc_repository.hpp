#pragma once
#include "obscura/storage/oidc_repository.hpp"
#include "sql_session.hpp"

namespace obscura::sql {

// OIDC sign-in (oidc_identities, oidc_logins), on one borrowed connection.
class SqlOidcRepository final : public storage::OidcRepository {
public:
    explicit SqlOidcRepository(Session& session) : s_(session) {}

    Status createLogin(const storage::OidcLoginRecord& login) override;
    Expected<std::optional<storage::OidcLoginRecord>> takeLogin(const std::string& stateHash,
                                                                std::int64_t nowUs) override;
    Expected<std::int64_t> purgeLogins(std::int64_t expiredBeforeUs) override;
    Expected<std::optional<std::string>> findIdentity(const std::string& issuer, const std::string& subject) override;
    Status linkIdentity(const storage::OidcIdentityRecord& identity) override;
    Expected<std::vector<storage::UserRecord>> findUsersByEmail(const std::string& email) override;

private:
    Session& s_;
};

}  // namespace obscura::sql

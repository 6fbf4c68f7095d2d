#pragma once
// OpenID Connect sign-in (migration module "oidc", DESIGN §13): which provider account (issuer, subject) is which
// user, and the sign-ins in flight between GET /api/oauth/authorize and the provider's callback. A pending sign-in
// is kept in the database rather than in one process's memory so that a callback reaching another replica still
// finds it, and so that taking it is single-use across replicas (a replayed `state` finds nothing).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "obscura/base/expected.hpp"
#include "obscura/storage/records.hpp"

namespace obscura::storage {

struct OidcIdentityRecord {
    std::string issuer;   // the provider's issuer URL, exactly as its discovery document says
    std::string subject;  // the id_token's `sub`: stable per provider account, unlike an e-mail address
    std::string userId;
    std::string createdAt;  // RFC 3339
};

struct OidcLoginRecord {
    std::string stateHash;  // hashSecret(state): a database dump cannot be replayed against the callback
    std::string nonce;
    std::string codeVerifier;  // PKCE (RFC 7636)
    std::int64_t expiresAtUs = 0;
};

class OidcRepository {
public:
    virtual ~OidcRepository() = default;

    // Conflict when stateHash is taken.
    virtual Status createLogin(const OidcLoginRecord& login) = 0;
    // Removes the pending sign-in and answers it when it existed and had not expired at nowUs; nullopt otherwise.
    // Of two racing takes of one state exactly one gets it.
    virtual Expected<std::optional<OidcLoginRecord>> takeLogin(const std::string& stateHash, std::int64_t nowUs) = 0;
    // Deletes pending sign-ins that expired before the given time; answers how many.
    virtual Expected<std::int64_t> purgeLogins(std::int64_t expiredBeforeUs) = 0;

    // The user linked to that provider account, if any.
    virtual Expected<std::optional<std::string>> findIdentity(const std::string& issuer,
                                                              const std::string& subject) = 0;
    // Conflict when (issuer, subject) is already linked. The link goes when its user is deleted.
    virtual Status linkIdentity(const OidcIdentityRecord& identity) = 0;
    // Users whose e-mail address equals `email`, compared case-insensitively (ASCII), at most 2: a caller
    // linking by e-mail refuses an address two accounts share.
    virtual Expected<std::vector<UserRecord>> findUsersByEmail(const std::string& email) = 0;
};

}  // namespace obscura::storage

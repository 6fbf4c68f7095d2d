#pragma once
// OIDC sign-in (DESIGN §13): authorization code + PKCE S256, with state and nonce.
//
// begin() makes a state, a nonce and a PKCE verifier, keeps them as a pending sign-in in the database (state stored
// hashed, 10 minutes, taken once: oidc_repository.hpp) and answers the provider URL; the route also puts the state
// into a short-lived HttpOnly cookie, so the callback proves it comes from the browser that started (login CSRF).
// finish() refuses, in this order: a provider error, a missing or foreign state (cookie ≠ query), a state not
// pending (unknown, used or expired: a replay), a missing code; then exchanges the code, verifies the id_token
// (oidc_client.hpp), merges userinfo, finds the user — linked (issuer, sub), else by verified e-mail when
// auth.oidc.linkByEmail, else a new account when auth.oidc.autoRegister — applies the admin and quota claims when
// configured, and starts a session like a password sign-in does.
#include <atomic>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>

#include "auth_settings.hpp"
#include "obscura/base/clock.hpp"
#include "obscura/base/expected.hpp"
#include "session_service.hpp"

namespace obscura::storage {
class Storage;
}

namespace obscura::auth {

class AccountService;
class OidcClient;

struct OidcStart {
    std::string providerUrl;
    std::string state;
};

struct OidcCallback {
    std::optional<std::string> code;
    std::optional<std::string> state;
    std::optional<std::string> error;  // the provider's `error` parameter
    std::optional<std::string> cookieState;
    std::optional<std::string> issuer;  // RFC 9207's `iss`, when the provider sends it
};

class OidcService {
public:
    static constexpr std::int64_t kPendingUs = 600LL * 1'000'000;

    OidcService(storage::Storage& storage, OidcClient& client, AccountService& accounts, SessionService& sessions,
                const AuthSettings& settings, const Clock& clock);

    Expected<OidcStart> begin(const std::string& redirectUri);
    Expected<IssuedSession> finish(const OidcCallback& callback, const std::string& redirectUri);

private:
    Expected<storage::UserRecord> findOrCreateUser(const nlohmann::json& claims);
    Expected<storage::UserRecord> registerFrom(const nlohmann::json& claims);
    Expected<storage::UserRecord> applyClaims(storage::UserRecord user, const nlohmann::json& claims);
    Status link(const std::string& issuer, const std::string& subject, const std::string& userId);
    void purgeExpired();

    storage::Storage& storage_;
    OidcClient& client_;
    AccountService& accounts_;
    SessionService& sessions_;
    const AuthSettings& settings_;
    const Clock& clock_;
    std::atomic<std::int64_t> nextPurgeUs_{0};
};

}  // namespace obscura::auth

#pragma once
// The OpenID provider as this server sees it: its discovery document and signing keys (fetched on first use,
// cached for an hour, the keys fetched again when a token names a key id we do not know — the provider rotated
// — at most once a minute, so a stream of forged kids cannot turn us into a fetch loop), the code exchange and
// userinfo, and the id_token's verification. Thread-safe; the fetches block the calling worker.
#include <cstdint>
#include <mutex>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <vector>

#include "obscura/base/clock.hpp"
#include "obscura/base/expected.hpp"
#include "oidc/jwk_keys.hpp"
#include "oidc/oidc_settings.hpp"

namespace obscura::auth {

struct ProviderMetadata {
    std::string issuer;
    std::string authorizationEndpoint;
    std::string tokenEndpoint;
    std::string userinfoEndpoint;  // may be empty
    std::string jwksUri;
    bool secretInBody = false;  // client_secret_post only (client_secret_basic otherwise)
};

struct ProviderTokens {
    std::string idToken;
    std::string accessToken;  // may be empty
};

class OidcClient {
public:
    static constexpr std::int64_t kCacheUs = 3600LL * 1'000'000;
    static constexpr std::int64_t kKeyRefetchUs = 60LL * 1'000'000;
    static constexpr std::int64_t kLeewaySeconds = 60;

    OidcClient(const OidcSettings& settings, const Clock& clock);

    Expected<ProviderMetadata> metadata();
    // Where the browser goes: the authorization endpoint with every parameter of an authorization-code request.
    Expected<std::string> authorizationUrl(const std::string& state, const std::string& nonce,
                                           const std::string& codeChallenge, const std::string& redirectUri);
    // The token endpoint's answer to the code (Unauthenticated when it refuses the code, Unavailable when
    // unreachable).
    Expected<ProviderTokens> exchange(const std::string& code, const std::string& codeVerifier,
                                      const std::string& redirectUri);
    // The id_token's claims once its signature (RS256/ES256 with the provider's key named by kid), issuer,
    // audience (and azp), expiry, issue time and nonce are right; Unauthenticated otherwise.
    Expected<nlohmann::json> verifyIdToken(const std::string& idToken, const std::string& nonce);
    // The userinfo endpoint's claims for the access token; an empty object when the provider has none.
    Expected<nlohmann::json> userinfo(const std::string& accessToken);

private:
    std::optional<VerificationKey> keyFor(const ProviderMetadata& meta, const std::string& kid, const std::string& alg);
    Status loadKeys(const ProviderMetadata& meta);

    const OidcSettings& settings_;
    const Clock& clock_;
    std::mutex mutex_;  // guards everything below; held across fetches so that racing sign-ins fetch once
    std::optional<ProviderMetadata> metadata_;
    std::int64_t metadataAtUs_ = 0;
    std::vector<VerificationKey> keys_;
    std::int64_t keysAtUs_ = 0;
    bool keysLoaded_ = false;
};

}  // namespace obscura::auth

#pragma once
// Access tokens: JWT HS256, the one place that talks to libjwt. Debian's libjwt 1.10.2 verifies a signature
// with whatever algorithm the token's own header names (an HS512 token signed with our secret passes) and
// checks no claim at all (an expired token passes), so everything beyond the signature is checked here.
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "obscura/base/expected.hpp"

namespace obscura::auth {

class VerifiedTokens;

struct AccessClaims {
    std::string subject;         // user id
    std::int64_t issuedAt = 0;   // seconds since the epoch
    std::int64_t notBefore = 0;  // 0 = not in the token
    std::int64_t expiresAt = 0;
    bool admin = false;  // informational: the authenticator reads the user's current rights from storage
    std::string jwtId;
    std::int64_t tokenVersion = 0;  // must equal the user's tokenVersion
};

class JwtCodec {
public:
    static constexpr std::string_view kIssuer = "obscura";
    static constexpr std::string_view kAudience = "obscura-api";
    static constexpr std::string_view kTokenType = "access";
    static constexpr std::chrono::seconds kLeeway{30};
    static constexpr std::size_t kMaxTokenBytes = 4096;

    // secret: the HMAC key as given (auth.jwtSecret or the 64 hex characters of <dataDir>/secret).
    explicit JwtCodec(std::string secret);

    // Signs claims with HS256, adding iss, aud and the token type. Internal only when libjwt fails.
    Expected<std::string> encode(const AccessClaims& claims) const;

    // Unauthenticated (message says why, never echoing the token) unless the token is a well-formed HS256
    // JWT signed with our secret whose header names exactly HS256, of our type, issuer and audience, with
    // sub, iat, exp, jti and ver present and well-typed, not expired and already valid (iat/nbf) at
    // nowSeconds, both within kLeeway. A token that passed once is recognised by its digest afterwards (see
    // verified_tokens.hpp); only the time checks run again.
    Expected<AccessClaims> decode(std::string_view token, std::int64_t nowSeconds) const;

private:
    Expected<AccessClaims> verify(std::string_view token) const;

    std::string secret_;
    std::shared_ptr<VerifiedTokens> verified_;
};

// OIDC id_tokens (issue 24): the claims (JSON text) of a compact JWS signed with the public key `pem` under
// exactly `alg` ("RS256" or "ES256"), or Unauthenticated. The caller has matched the header's alg to the key's
// already; this checks it again after libjwt, which otherwise follows whatever the header names.
Expected<std::string> verifyWithPublicKey(std::string_view token, std::string_view alg, const std::string& pem);

}  // namespace obscura::auth

#pragma once
// The provider's signing keys (its JWKS, RFC 7517) as PEM public keys libjwt can verify with. Each key is bound to
// the one algorithm its type allows — RSA → RS256, EC P-256 → ES256 — so a token cannot choose how it is checked:
// a header naming another algorithm than its key's is refused before any signature is looked at.
#include <string>
#include <string_view>
#include <vector>

#include "obscura/base/expected.hpp"

namespace obscura::auth {

struct VerificationKey {
    std::string kid;  // may be empty when the provider has a single key
    std::string alg;  // "RS256" or "ES256"
    std::string pem;  // SubjectPublicKeyInfo, "-----BEGIN PUBLIC KEY-----…"
};

// The usable signing keys of a JWKS document: keys for encryption (use "enc"), of other types or curves, RSA
// keys under 2048 bits, and keys whose own "alg" disagrees with their type are left out. Unavailable when the
// document is not a JWKS at all.
Expected<std::vector<VerificationKey>> parseJwks(std::string_view document);

}  // namespace obscura::auth

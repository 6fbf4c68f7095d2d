#pragma once
// Random credentials and how they are kept: refresh tokens and API keys are 256-bit random values shown to
// their owner once; the database holds only a hash of each, so a leaked database yields no credential.
#include <cstddef>
#include <string>
#include <string_view>

#include "obscura/base/expected.hpp"

namespace obscura::auth {

// Initialises libsodium once per process (thread-safe, idempotent). Internal when it cannot.
Status initSodium();

// `bytes` bytes from the system CSPRNG, base64url without padding.
std::string randomSecret(std::size_t bytes = 32);

// `bytes` raw bytes from the system CSPRNG (a TOTP secret).
std::string randomBytes(std::size_t bytes);
// base64url without padding.
std::string encodeBase64Url(std::string_view bytes);

// BLAKE2b-256 of the secret, lower-case hex: what the database stores and is searched by. A fast hash is
// right here: the secrets carry 256 bits of entropy, so there is nothing to brute-force.
std::string hashSecret(std::string_view secret);

// Constant-time comparison of two equally long strings (false at once when the lengths differ).
bool equalInConstantTime(std::string_view a, std::string_view b);

// OIDC (issue 24): SHA-256 of the bytes (raw digest), for PKCE's S256 challenge; (encodeBase64Url above) and
// standard padded base64 encoding (PEM bodies).
std::string sha256(std::string_view bytes);
std::string encodeBase64(std::string_view bytes);

// base64url (no padding) and standard (padded) base64 decoding; BadRequest on anything else.
Expected<std::string> decodeBase64Url(std::string_view text);
Expected<std::string> decodeBase64(std::string_view text);

}  // namespace obscura::auth

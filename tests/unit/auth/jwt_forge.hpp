#pragma once
// Hand-made JWTs for tests: whatever header, claims and signature an attacker might send. Shares no code
// with the server's codec (OpenSSL's HMAC, our own base64url), so a bug there cannot hide itself here.
#include <cstdint>
#include <string>
#include <string_view>

namespace obscura::test {

std::string base64Url(std::string_view bytes);

enum class Signature { HS256, HS384, HS512, Empty, Garbage };

// base64url(header).base64url(payload).signature, the signature computed over the first two parts with
// the given HMAC and secret (Empty: nothing after the second dot; Garbage: 64 random-looking bytes).
std::string forgeJwt(const std::string& headerJson, const std::string& payloadJson, const std::string& secret,
                     Signature signature);

// The claims the server issues, valid at `now` (seconds): sub, iat, exp (now + 900), iss, aud, type, jti, ver.
std::string validClaimsJson(const std::string& userId, std::int64_t now, std::int64_t tokenVersion = 0);

// The same with one claim replaced (valueJson is raw JSON: "\"x\"", "123") or, with an empty valueJson, removed.
std::string claimsWith(const std::string& userId, std::int64_t now, const std::string& claim,
                       const std::string& valueJson);

std::int64_t nowSeconds();

}  // namespace obscura::test

#pragma once
// TOTP (RFC 6238 over RFC 4226's HOTP): HMAC-SHA-1, 30-second steps, 6 digits — what every authenticator app
// speaks. Pure functions over OpenSSL's HMAC; the service decides which steps to try and remembers the last one.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace obscura::auth {

inline constexpr std::int64_t kTotpStepSeconds = 30;
inline constexpr int kTotpDigits = 6;

// The 6-digit code of `step` (unix seconds / 30) for the raw secret, zero-padded.
std::string totpCode(std::string_view secret, std::int64_t step);

// The step a unix time falls in.
inline std::int64_t totpStep(std::int64_t unixSeconds) { return unixSeconds / kTotpStepSeconds; }

// RFC 4648 base32 without padding (what otpauth:// URLs carry), and back; nullopt on a character outside A-Z2-7
// (lower case and spaces are accepted: people type them).
std::string base32Encode(std::string_view bytes);
std::optional<std::string> base32Decode(std::string_view text);

// otpauth://totp/<issuer>:<account>?secret=…&issuer=…&algorithm=SHA1&digits=6&period=30
std::string otpauthUrl(std::string_view issuer, std::string_view account, std::string_view base32Secret);

}  // namespace obscura::auth

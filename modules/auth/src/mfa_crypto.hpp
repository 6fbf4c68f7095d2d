#pragma once
// The keys two-factor sign-in derives from the server secret (auth.jwtSecret) with HKDF-SHA-256: one seals TOTP
// secrets at rest (AES-256-GCM), one keys the hash of recovery codes (HMAC-SHA-256), so a copy of the database
// alone yields neither a secret nor a code to brute-force. A new jwtSecret makes sealed secrets unreadable:
// those users set up two-factor sign-in again (an admin resets it).
#include <array>
#include <string>
#include <string_view>

#include "obscura/base/expected.hpp"

namespace obscura::auth {

class MfaCrypto {
public:
    explicit MfaCrypto(std::string_view serverSecret);

    // "v1." + base64url(12-byte nonce | ciphertext | 16-byte tag).
    Expected<std::string> seal(std::string_view plaintext) const;
    // Internal when the text was not sealed with this key (a changed secret) or was altered.
    Expected<std::string> open(std::string_view sealed) const;
    // Hex HMAC of "userId:code": what the database keeps of a recovery code.
    std::string codeHash(std::string_view userId, std::string_view code) const;

private:
    std::array<unsigned char, 32> sealKey_{};
    std::array<unsigned char, 32> codeKey_{};
};

}  // namespace obscura::auth

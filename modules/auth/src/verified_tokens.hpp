#pragma once
// Access tokens whose signature and claims were already checked, by the SHA-256 of the token. Debian's libjwt
// verifies through OpenSSL 3's HMAC(), which looks the algorithm up in the provider tables on every call, and
// parses the claims with jansson: ~14 µs, a fifth of a cached listing's CPU in bench/listing. A token that
// verified once verifies again (same secret, same bytes), so only the time checks are repeated per request.
// The digest, not the token, is the key: the table never holds a usable credential, and comparing digests
// tells an attacker nothing about the bytes of a token they do not have.
#include <array>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string_view>
#include <unordered_map>

#include "jwt_codec.hpp"

namespace obscura::auth {

class VerifiedTokens {
public:
    using Digest = std::array<unsigned char, 32>;

    explicit VerifiedTokens(std::size_t capacity) : capacity_(capacity) {}

    static Digest digest(std::string_view token);

    std::optional<AccessClaims> find(const Digest& key) const;
    // Keeps claims for key; beyond capacity the oldest entries go first.
    void store(const Digest& key, const AccessClaims& claims);

private:
    struct DigestHash {
        std::size_t operator()(const Digest& d) const noexcept;
    };

    const std::size_t capacity_;
    mutable std::mutex mutex_;
    std::unordered_map<Digest, AccessClaims, DigestHash> claims_;
    std::deque<Digest> order_;  // insertion order, for eviction
};

}  // namespace obscura::auth

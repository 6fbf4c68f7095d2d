#include "verified_tokens.hpp"

#include <sodium.h>

#include <cstring>

namespace obscura::auth {

VerifiedTokens::Digest VerifiedTokens::digest(std::string_view token) {
    Digest out{};
    crypto_hash_sha256(out.data(), reinterpret_cast<const unsigned char*>(token.data()), token.size());
    return out;
}

std::size_t VerifiedTokens::DigestHash::operator()(const Digest& d) const noexcept {
    std::size_t h = 0;
    std::memcpy(&h, d.data(), sizeof h);  // already uniformly distributed
    return h;
}

std::optional<AccessClaims> VerifiedTokens::find(const Digest& key) const {
    std::lock_guard lock(mutex_);
    const auto found = claims_.find(key);
    if (found == claims_.end()) return std::nullopt;
    return found->second;
}

void VerifiedTokens::store(const Digest& key, const AccessClaims& claims) {
    if (capacity_ == 0) return;
    std::lock_guard lock(mutex_);
    if (!claims_.emplace(key, claims).second) return;
    order_.push_back(key);
    while (order_.size() > capacity_) {
        claims_.erase(order_.front());
        order_.pop_front();
    }
}

}  // namespace obscura::auth

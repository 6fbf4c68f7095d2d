#include "password_hasher.hpp"

#include <sodium.h>

#include <algorithm>
#include <utility>

#include "obscura/kernel/module.hpp"
#include "secrets.hpp"

namespace obscura::auth {

// Holds one of the gate's slots for as long as it lives.
class PasswordHasher::Permit {
public:
    explicit Permit(PasswordHasher* owner) : owner_(owner) {}
    Permit(Permit&& other) noexcept : owner_(std::exchange(other.owner_, nullptr)) {}
    Permit& operator=(Permit&&) = delete;
    ~Permit() {
        if (owner_) owner_->leave();
    }

private:
    PasswordHasher* owner_;
};

PasswordHasher::PasswordHasher(PasswordParams params, int concurrency, std::chrono::milliseconds maxWait)
    : params_(params),
      capacity_(std::max(1, concurrency)),
      maxWaiting_(2 * std::max(1, concurrency)),
      maxWait_(maxWait) {
    if (params_.memoryBytes < kMinPasswordMemoryBytes || params_.iterations < kMinPasswordIterations) {
        throw ModuleStartError("argon2id parameters below OWASP's minimum (m >= 19 MiB, t >= 2)");
    }
    if (params_.memoryBytes > crypto_pwhash_argon2id_MEMLIMIT_MAX ||
        params_.iterations > crypto_pwhash_argon2id_OPSLIMIT_MAX) {
        throw ModuleStartError("argon2id parameters above what libsodium accepts");
    }
    if (auto s = initSodium(); !s) throw ModuleStartError(s.error().message);
    // A hash of a password nobody knows, made with the current parameters so that checking against it
    // costs exactly what checking a real account does.
    auto dummy = hash(randomSecret());
    if (!dummy) throw ModuleStartError("could not compute the reference password hash: " + dummy.error().message);
    dummyHash_ = std::move(*dummy);
}

Expected<PasswordHasher::Permit> PasswordHasher::enter() {
    std::unique_lock lock(mu_);
    if (running_ >= capacity_) {
        if (waiting_ >= maxWaiting_) {
            return Error(ErrorCode::Unavailable, "too many password checks in progress; try again shortly")
                .retryAfter(1);
        }
        ++waiting_;
        const bool got = freed_.wait_for(lock, maxWait_, [&] { return running_ < capacity_; });
        --waiting_;
        if (!got) {
            return Error(ErrorCode::Unavailable, "too many password checks in progress; try again shortly")
                .retryAfter(1);
        }
    }
    ++running_;
    return Permit(this);
}

void PasswordHasher::leave() {
    {
        std::lock_guard lock(mu_);
        --running_;
    }
    freed_.notify_one();
}

Expected<std::string> PasswordHasher::hash(std::string_view password) {
    if (password.size() > kMaxPasswordBytes) {
        return invalid("password is longer than " + std::to_string(kMaxPasswordBytes) + " bytes");
    }
    OBSCURA_TRY(permit, enter());
    char out[crypto_pwhash_argon2id_STRBYTES];
    if (crypto_pwhash_argon2id_str(out, password.data(), password.size(), params_.iterations,
                                   static_cast<std::size_t>(params_.memoryBytes)) != 0) {
        return internalError("argon2id hashing failed (out of memory?)");
    }
    return std::string(out);
}

Expected<bool> PasswordHasher::verify(const std::string& encoded, std::string_view password) {
    if (password.size() > kMaxPasswordBytes) return false;
    OBSCURA_TRY(permit, enter());
    return crypto_pwhash_argon2id_str_verify(encoded.c_str(), password.data(), password.size()) == 0;
}

Expected<bool> PasswordHasher::verifyWithoutAccount(std::string_view password) {
    OBSCURA_TRY(matched, verify(dummyHash_, password));
    (void)matched;  // a random 256-bit password: cannot match, and the answer must not depend on it anyway
    return false;
}

bool PasswordHasher::needsRehash(const std::string& encoded) const {
    return crypto_pwhash_argon2id_str_needs_rehash(encoded.c_str(), params_.iterations,
                                                   static_cast<std::size_t>(params_.memoryBytes)) != 0;
}

}  // namespace obscura::auth

#pragma once
// argon2id through libsodium, behind a gate that bounds how many hashes run at once: each one holds
// memoryBytes of RAM for its whole run, so unbounded concurrency would let a burst of logins exhaust memory.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>

#include "obscura/base/expected.hpp"

namespace obscura::auth {

// OWASP's floor for argon2id (2023): m = 19 MiB, t = 2, p = 1. libsodium always uses p = 1.
inline constexpr std::uint64_t kMinPasswordMemoryBytes = 19 * 1024 * 1024;
inline constexpr std::uint64_t kMinPasswordIterations = 2;
inline constexpr std::size_t kMaxPasswordBytes = 1024;

struct PasswordParams {
    std::uint64_t memoryBytes = 64 * 1024 * 1024;
    std::uint64_t iterations = 3;
};

class PasswordHasher {
public:
    // concurrency: hashes that may run at once; up to 2 x concurrency more callers wait (at most maxWait),
    // anyone beyond that is refused at once with 503 so that request threads are not all parked here.
    // Throws ModuleStartError for parameters below OWASP's floor or when libsodium cannot start.
    PasswordHasher(PasswordParams params, int concurrency, std::chrono::milliseconds maxWait);

    // The encoded hash ($argon2id$v=19$m=…,t=…,p=1$salt$hash), parameters included so they can be raised later.
    // Invalid for a password over kMaxPasswordBytes (checked before any work); Unavailable when saturated.
    Expected<std::string> hash(std::string_view password);
    // True when password matches. A malformed stored hash is false, not an error.
    Expected<bool> verify(const std::string& encoded, std::string_view password);
    // Same cost as verify() against an account that does not exist, so an unknown username answers in the
    // time a wrong password takes. Always false.
    Expected<bool> verifyWithoutAccount(std::string_view password);
    // True when the hash was made with other parameters than the current ones (rehash on the next login).
    bool needsRehash(const std::string& encoded) const;

    const PasswordParams& params() const { return params_; }

private:
    class Permit;
    Expected<Permit> enter();
    void leave();

    PasswordParams params_;
    int capacity_;
    int maxWaiting_;
    std::chrono::milliseconds maxWait_;
    std::mutex mu_;
    std::condition_variable freed_;
    int running_ = 0;
    int waiting_ = 0;
    std::string dummyHash_;
};

}  // namespace obscura::auth

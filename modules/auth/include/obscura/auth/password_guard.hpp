#pragma once
// Auth's password machinery for other modules: argon2id hashing behind auth's bounded hasher, and the same
// brute-force brake as sign-ins. The images module protects share links with it. Auth registers one in the
// kernel's ServiceRegistry when it is constructed.
#include <string>
#include <string_view>

#include "obscura/base/expected.hpp"

namespace obscura::auth {

class PasswordGuard {
public:
    virtual ~PasswordGuard() = default;
    // The encoded argon2id hash. Invalid for an over-long password; Unavailable when the hasher is saturated.
    virtual Expected<std::string> hash(std::string_view password) = 0;
    // True when password matches the encoded hash (a malformed hash is false).
    virtual Expected<bool> verify(const std::string& encoded, std::string_view password) = 0;
    // RateLimited (with Retry-After) while guesses at `scope` (e.g. a share link's id) or from the client IP
    // are blocked, counted like failed sign-ins (auth.loginFailures*). Check before verifying.
    virtual Status check(const std::string& scope, const std::string& clientIp) = 0;
    virtual void failed(const std::string& scope, const std::string& clientIp) = 0;
    virtual void succeeded(const std::string& scope) = 0;
};

}  // namespace obscura::auth

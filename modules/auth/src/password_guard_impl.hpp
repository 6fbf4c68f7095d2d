#pragma once
// The PasswordGuard auth offers other modules: its hasher and its sign-in throttle, under counter keys of
// their own so a guessed share-link password never counts against a username (and the reverse).
#include "login_throttle.hpp"
#include "obscura/auth/password_guard.hpp"
#include "password_hasher.hpp"

namespace obscura::auth {

class PasswordGuardImpl final : public PasswordGuard {
public:
    PasswordGuardImpl(PasswordHasher& hasher, LoginThrottle& throttle) : hasher_(hasher), throttle_(throttle) {}

    Expected<std::string> hash(std::string_view password) override { return hasher_.hash(password); }
    Expected<bool> verify(const std::string& encoded, std::string_view password) override {
        return hasher_.verify(encoded, password);
    }
    // A control character cannot be part of a normalised username, so these counters are the guard's own.
    Status check(const std::string& scope, const std::string& clientIp) override {
        return throttle_.check(counter(scope), clientIp);
    }
    void failed(const std::string& scope, const std::string& clientIp) override {
        throttle_.failed(counter(scope), clientIp);
    }
    void succeeded(const std::string& scope) override { throttle_.succeeded(counter(scope)); }

private:
    static std::string counter(const std::string& scope) { return "\x01guard:" + scope; }
    PasswordHasher& hasher_;
    LoginThrottle& throttle_;
};

}  // namespace obscura::auth

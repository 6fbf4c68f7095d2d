#pragma once
// Sign-in sessions: a short-lived access token (JWT) and an opaque refresh token that rotates on every use.
// Each sign-in starts a refresh-token family; presenting a token that was already rotated or revoked means
// it was copied, so the whole family is revoked and both the thief and the owner must sign in again.
#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "auth_settings.hpp"
#include "obscura/base/clock.hpp"
#include "obscura/base/expected.hpp"
#include "obscura/storage/records.hpp"

namespace obscura::storage {
class Storage;
}

namespace obscura::auth {

class CredentialChecker;
class JwtCodec;
class LoginThrottle;

struct IssuedSession {
    std::string accessToken;
    std::string refreshToken;
    std::int64_t expiresIn = 0;  // seconds the access token lives
    storage::UserRecord user;
};

class SessionService {
public:
    SessionService(storage::Storage& storage, const JwtCodec& jwt, CredentialChecker& credentials,
                   LoginThrottle& throttle, const AuthSettings& settings, const Clock& clock);

    Expected<IssuedSession> login(std::string_view username, std::string_view password, const std::string& clientIp);
    // The first step of a sign-in: the account whose password this is (CredentialChecker::signIn).
    Expected<storage::UserRecord> checkPassword(std::string_view username, std::string_view password,
                                                const std::string& clientIp);
    // A new session for a user who proved who they are (password, and the second factor where one is on).
    Expected<IssuedSession> start(storage::UserRecord user) { return startFamily(std::move(user)); }
    // Unauthenticated for an unknown, expired, rotated or revoked token (the last two revoke its family), or
    // when its user is gone or disabled.
    Expected<IssuedSession> refresh(std::string_view refreshToken);
    // Revokes the token's family. Unknown tokens are fine: signing out twice is not an error.
    Status logout(std::string_view refreshToken);

    // A new session for a user someone else vouched for (OIDC, issue 24): no password is checked here.
    Expected<IssuedSession> signInAs(storage::UserRecord user);

    // An access token for the user as stored now.
    Expected<std::string> accessToken(const storage::UserRecord& user) const;

    static constexpr std::size_t kMaxRefreshTokenBytes = 256;

    // More cleanup for the hourly housekeeping (expired sign-in challenges and reset tokens). Set at start only.
    void addHousekeeping(std::function<void()> task) { extraHousekeeping_.push_back(std::move(task)); }

private:
    Expected<IssuedSession> startFamily(storage::UserRecord user);
    void housekeeping();

    storage::Storage& storage_;
    const JwtCodec& jwt_;
    CredentialChecker& credentials_;
    LoginThrottle& throttle_;
    const AuthSettings& settings_;
    const Clock& clock_;
    std::atomic<std::int64_t> nextHousekeepingUs_{0};
    std::vector<std::function<void()>> extraHousekeeping_;
};

}  // namespace obscura::auth

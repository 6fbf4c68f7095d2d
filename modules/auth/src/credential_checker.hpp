#pragma once
// Checking a password against an account, throttled. Sign-in answers the same error, after the same work,
// whether the username is unknown or the password wrong.
#include <string>
#include <string_view>

#include "obscura/base/expected.hpp"
#include "obscura/storage/records.hpp"

namespace obscura::storage {
class Storage;
}

namespace obscura::auth {

class PasswordHasher;
class LoginThrottle;

class CredentialChecker {
public:
    CredentialChecker(storage::Storage& storage, PasswordHasher& hasher, LoginThrottle& throttle);

    // The account, when the password is its own. Unauthenticated "invalid username or password" for an
    // unknown username or a wrong password alike; RateLimited while throttled; Invalid for a password over
    // 1024 bytes (refused before hashing); Forbidden account_disabled for a disabled account, told only to
    // someone who knows its password. A hash made with older parameters is replaced.
    Expected<storage::UserRecord> signIn(std::string_view username, std::string_view password,
                                         const std::string& clientIp);

    // A signed-in user proving their password again (password change, account deletion). Forbidden
    // wrong_password on a mismatch; throttled like sign-in, against the same counters.
    Status confirm(const storage::UserRecord& user, std::string_view password, const std::string& clientIp);

private:
    void rehashIfNeeded(const storage::UserRecord& user, std::string_view password);

    storage::Storage& storage_;
    PasswordHasher& hasher_;
    LoginThrottle& throttle_;
};

}  // namespace obscura::auth

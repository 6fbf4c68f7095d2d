#pragma once
// Password reset by e-mail (DESIGN §13). request() answers the same (nothing) whether the address belongs to an
// account or not, after the same database work: the mail leaves on the bus (user.passwordResetRequested, sent by
// the media module's SMTP sender), never on the request's time. Requests are counted per address and per IP in
// the sign-in throttle's counters (auth.passwordResetsPerAddress / PerIp per auth.loginFailureWindowSeconds).
// confirm() spends a token once, before it expires (auth.passwordResetMinutes), sets the password and ends every
// session of the account; a disabled account is refused and nothing changes.
#include <string>
#include <string_view>

#include "auth_settings.hpp"
#include "obscura/base/clock.hpp"
#include "obscura/base/expected.hpp"

namespace obscura {
class Bus;
namespace storage {
class Storage;
}
}  // namespace obscura

namespace obscura::auth {

class AccountService;
class PasswordHasher;

class PasswordResetService {
public:
    static constexpr std::size_t kMaxTokenBytes = 256;
    static constexpr int kMaxAccountsPerAddress = 10;

    // bus may be null: nothing is mailed then.
    PasswordResetService(storage::Storage& storage, AccountService& accounts, PasswordHasher& hasher, Bus* bus,
                         const AuthSettings& settings, const Clock& clock);

    // RateLimited (Retry-After) past the limits; otherwise success, whatever the address. linkBase is the
    // server's public URL ("https://photos.example.org"); the mailed link is linkBase + "/reset-password?token=…".
    Status request(std::string_view email, const std::string& clientIp, const std::string& linkBase);
    // Invalid reset_token_invalid for an unknown, used or expired token; Forbidden account_disabled; Invalid for a
    // new password that breaks the registration rules (the token stays unspent then).
    Status confirm(std::string_view token, std::string_view newPassword);
    // Deletes expired tokens (housekeeping).
    Expected<std::int64_t> purgeExpired();

private:
    Status countRequest(const std::string& email, const std::string& clientIp);

    storage::Storage& storage_;
    AccountService& accounts_;
    PasswordHasher& hasher_;
    Bus* bus_;
    const AuthSettings& settings_;
    const Clock& clock_;
};

}  // namespace obscura::auth

#pragma once
// Two-factor sign-in (DESIGN §13): TOTP secrets set up, enabled with a first code, disabled with password and
// code, reset by an admin; sign-in challenges that a password sign-in hands out while the second factor is owed,
// spent once by a code or a recovery code. Every code is usable once: the newest accepted time step is stored per
// user and a code of that step or an older one is refused (±1 step of drift), and a recovery code is marked used.
// Wrong codes count against the same throttle as wrong passwords (per username and per IP).
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "obscura/base/clock.hpp"
#include "obscura/base/expected.hpp"
#include "obscura/storage/records.hpp"

namespace obscura::storage {
class Storage;
}

namespace obscura::auth {

class CredentialChecker;
class LoginThrottle;
class MfaCrypto;

struct MfaSetup {
    std::string secret;  // base32, for typing in
    std::string otpauthUrl;
};

struct MfaStatus {
    bool enabled = false;
    bool pending = false;  // set up, waiting for its first code
    std::int64_t recoveryCodesLeft = 0;
};

class MfaService {
public:
    static constexpr int kRecoveryCodes = 10;
    static constexpr std::size_t kMaxTokenBytes = 256;

    MfaService(storage::Storage& storage, const MfaCrypto& crypto, CredentialChecker& credentials,
               LoginThrottle& throttle, const Clock& clock, std::chrono::seconds challengeLifetime);

    Expected<MfaStatus> status(const std::string& userId);
    // A fresh secret, pending until enable(); Conflict mfa_enabled while MFA is on.
    Expected<MfaSetup> setup(const storage::UserRecord& user);
    // The pending secret's current code turns MFA on and answers the recovery codes, shown this once. Conflict
    // mfa_not_set_up without a pending secret; Forbidden wrong_code; Invalid for a code that is not 6 digits.
    Expected<std::vector<std::string>> enable(const storage::UserRecord& user, std::string_view code,
                                              const std::string& clientIp);
    // Conflict mfa_not_enabled; Forbidden wrong_password or wrong_code.
    Status disable(const storage::UserRecord& user, std::string_view password, std::string_view code,
                   const std::string& clientIp);
    // An admin turns a user's MFA off (the user lost their device and their codes). NotFound for no such user.
    Status adminReset(const std::string& userId);

    // Whether a password sign-in of this user still owes a second factor.
    Expected<bool> required(const std::string& userId);
    // A single-use sign-in challenge for the user (the mfaToken), living challengeLifetime.
    Expected<std::string> challenge(const std::string& userId);
    // Spends the challenge with a TOTP code or a recovery code (exactly one of them) and answers the user.
    // Unauthenticated mfa_token_invalid for an unknown, used or expired challenge; Unauthenticated
    // mfa_code_invalid for a wrong, reused or expired code (counted by the throttle; the challenge stays usable
    // until it expires); RateLimited while throttled; Invalid for a malformed code; Forbidden account_disabled.
    Expected<storage::UserRecord> verify(std::string_view mfaToken, const std::optional<std::string>& code,
                                         const std::optional<std::string>& recoveryCode, const std::string& clientIp);
    std::chrono::seconds challengeLifetime() const { return challengeLifetime_; }
    // Deletes expired challenges (housekeeping).
    Expected<std::int64_t> purgeExpired();

private:
    // The step of the ±1-step window whose code matches, newest first; nullopt when none does.
    std::optional<std::int64_t> matchingStep(std::string_view sealedSecret, std::string_view code) const;
    Expected<bool> acceptCode(const std::string& userId, std::string_view code);

    storage::Storage& storage_;
    const MfaCrypto& crypto_;
    CredentialChecker& credentials_;
    LoginThrottle& throttle_;
    const Clock& clock_;
    std::chrono::seconds challengeLifetime_;
};

// "123456" (spaces around or inside ignored) or Invalid naming the field.
Expected<std::string> parseTotpCode(std::string_view text, std::string_view field);
// "abcd-efgh-2345" in any case, with or without dashes and spaces, to its 12 characters; Invalid otherwise.
Expected<std::string> parseRecoveryCode(std::string_view text);

}  // namespace obscura::auth

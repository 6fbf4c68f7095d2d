#include "mfa_service.hpp"

#include <cctype>

#include "credential_checker.hpp"
#include "login_throttle.hpp"
#include "mfa_crypto.hpp"
#include "obscura/kernel/log.hpp"
#include "obscura/storage/storage.hpp"
#include "secrets.hpp"
#include "totp.hpp"

namespace obscura::auth {
namespace {

constexpr std::string_view kIssuer = "Obscura";
constexpr std::size_t kSecretBytes = 20;  // 160 bits, RFC 4226's recommendation for HMAC-SHA-1
constexpr std::size_t kRecoveryCodeChars = 12;
constexpr std::string_view kRecoveryAlphabet = "abcdefghijklmnopqrstuvwxyz234567";

Error tokenInvalid() {
    return Error(ErrorCode::Unauthenticated,
                 "the sign-in challenge is not valid (used, expired or unknown); sign in again", "mfa_token_invalid");
}
Error codeInvalid() {
    return Error(ErrorCode::Unauthenticated, "the code is wrong, expired or was used already", "mfa_code_invalid");
}
// Wrong codes are counted apart from wrong passwords: a right password clears the username's password counter,
// which must not also let someone holding the password reset the count of their code guesses.
std::string codeCounter(const storage::UserRecord& user) { return "mfa:" + user.usernameKey; }

Error wrongCode() {
    return Error(ErrorCode::Forbidden, "the code is wrong, expired or was used already", "wrong_code");
}

std::string newRecoveryCode() {
    const std::string raw = randomBytes(kRecoveryCodeChars);
    std::string code;
    for (std::size_t i = 0; i < raw.size(); ++i) {
        if (i > 0 && i % 4 == 0) code += '-';
        code += kRecoveryAlphabet[static_cast<unsigned char>(raw[i]) & 31];
    }
    return code;
}

}  // namespace

Expected<std::string> parseTotpCode(std::string_view text, std::string_view field) {
    std::string digits;
    for (char c : text) {
        if (c == ' ') continue;
        if (!std::isdigit(static_cast<unsigned char>(c)) || digits.size() == kTotpDigits) {
            return invalid(std::string(field) + " must be the 6 digits the authenticator app shows");
        }
        digits += c;
    }
    if (digits.size() != kTotpDigits)
        return invalid(std::string(field) + " must be the 6 digits the authenticator app shows");
    return digits;
}

Expected<std::string> parseRecoveryCode(std::string_view text) {
    std::string code;
    for (char c : text) {
        if (c == '-' || c == ' ') continue;
        const char lower = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (kRecoveryAlphabet.find(lower) == std::string_view::npos || code.size() == kRecoveryCodeChars) {
            return invalid("recoveryCode must be one of the recovery codes shown when two-factor sign-in was enabled");
        }
        code += lower;
    }
    if (code.size() != kRecoveryCodeChars)
        return invalid("recoveryCode must be one of the recovery codes shown when two-factor sign-in was enabled");
    return code;
}

MfaService::MfaService(storage::Storage& storage, const MfaCrypto& crypto, CredentialChecker& credentials,
                       LoginThrottle& throttle, const Clock& clock, std::chrono::seconds challengeLifetime)
    : storage_(storage),
      crypto_(crypto),
      credentials_(credentials),
      throttle_(throttle),
      clock_(clock),
      challengeLifetime_(challengeLifetime) {}

Expected<MfaStatus> MfaService::status(const std::string& userId) {
    MfaStatus s;
    OBSCURA_TRY_STATUS(storage_.run([&](storage::Repositories& repos) -> Status {
        OBSCURA_TRY(found, repos.mfa().findMfa(userId));
        if (!found) return {};
        s.enabled = found->enabled;
        s.pending = !found->enabled;
        if (s.enabled) {
            OBSCURA_TRY(left, repos.mfa().countRecoveryCodes(userId));
            s.recoveryCodesLeft = left;
        }
        return {};
    }));
    return s;
}

Expected<MfaSetup> MfaService::setup(const storage::UserRecord& user) {
    std::string raw = randomBytes(kSecretBytes);
    MfaSetup result{base32Encode(raw), ""};
    result.otpauthUrl = otpauthUrl(kIssuer, user.username, result.secret);
    OBSCURA_TRY(sealed, crypto_.seal(raw));
    storage::MfaRecord record{user.id, std::move(sealed), false, 0, clock_.nowUs()};
    bool stored = false;
    OBSCURA_TRY_STATUS(storage_.run([&](storage::Repositories& repos) -> Status {
        OBSCURA_TRY(ok, repos.mfa().setPendingMfa(record));
        stored = ok;
        return {};
    }));
    if (!stored) {
        return Error(ErrorCode::Conflict, "two-factor sign-in is on; turn it off before setting it up again",
                     "mfa_enabled");
    }
    return result;
}

std::optional<std::int64_t> MfaService::matchingStep(std::string_view sealedSecret, std::string_view code) const {
    auto secret = crypto_.open(sealedSecret);
    if (!secret) {
        log::error("auth: " + secret.error().message);
        return std::nullopt;
    }
    const std::int64_t now = totpStep(clock_.nowUs() / 1'000'000);
    for (std::int64_t step : {now + 1, now, now - 1}) {
        if (equalInConstantTime(totpCode(*secret, step), code)) return step;
    }
    return std::nullopt;
}

Expected<std::vector<std::string>> MfaService::enable(const storage::UserRecord& user, std::string_view codeText,
                                                      const std::string& clientIp) {
    OBSCURA_TRY(code, parseTotpCode(codeText, "code"));
    OBSCURA_TRY_STATUS(throttle_.check(codeCounter(user), clientIp));
    std::optional<storage::MfaRecord> record;
    OBSCURA_TRY_STATUS(storage_.run([&](storage::Repositories& repos) -> Status {
        OBSCURA_TRY(found, repos.mfa().findMfa(user.id));
        record = std::move(found);
        return {};
    }));
    if (!record || record->enabled) {
        return Error(
            ErrorCode::Conflict,
            record ? "two-factor sign-in is on already" : "set up two-factor sign-in first (POST /api/auth/mfa/setup)",
            record ? "mfa_enabled" : "mfa_not_set_up");
    }
    const auto step = matchingStep(record->secret, code);
    if (!step) {
        throttle_.failed(codeCounter(user), clientIp);
        return wrongCode();
    }
    std::vector<std::string> codes, hashes;
    for (int i = 0; i < kRecoveryCodes; ++i) {
        codes.push_back(newRecoveryCode());
        hashes.push_back(crypto_.codeHash(user.id, *parseRecoveryCode(codes.back())));
    }
    bool enabled = false;
    OBSCURA_TRY_STATUS(storage_.run([&](storage::Repositories& repos) -> Status {
        OBSCURA_TRY(ok, repos.mfa().enableMfa(user.id, *step, hashes));
        enabled = ok;
        return {};
    }));
    if (!enabled) return Error(ErrorCode::Conflict, "two-factor sign-in was turned on meanwhile", "mfa_enabled");
    log::info("auth: user " + user.id + " turned two-factor sign-in on");
    return codes;
}

Expected<bool> MfaService::acceptCode(const std::string& userId, std::string_view code) {
    bool accepted = false;
    OBSCURA_TRY_STATUS(storage_.run([&](storage::Repositories& repos) -> Status {
        OBSCURA_TRY(found, repos.mfa().findMfa(userId));
        if (!found || !found->enabled) return {};
        const auto step = matchingStep(found->secret, code);
        if (!step || *step <= found->lastStep) return {};
        OBSCURA_TRY(won, repos.mfa().advanceMfaStep(userId, *step));
        accepted = won;
        return {};
    }));
    return accepted;
}

Status MfaService::disable(const storage::UserRecord& user, std::string_view password, std::string_view codeText,
                           const std::string& clientIp) {
    OBSCURA_TRY(code, parseTotpCode(codeText, "code"));
    OBSCURA_TRY(current, status(user.id));
    if (!current.enabled) return Error(ErrorCode::Conflict, "two-factor sign-in is not on", "mfa_not_enabled");
    OBSCURA_TRY_STATUS(credentials_.confirm(user, password, clientIp));
    OBSCURA_TRY(accepted, acceptCode(user.id, code));
    if (!accepted) {
        throttle_.failed(codeCounter(user), clientIp);
        return wrongCode();
    }
    OBSCURA_TRY_STATUS(storage_.run([&](storage::Repositories& repos) -> Status {
        OBSCURA_TRY(removed, repos.mfa().deleteMfa(user.id));
        (void)removed;
        return {};
    }));
    log::info("auth: user " + user.id + " turned two-factor sign-in off");
    return {};
}

Status MfaService::adminReset(const std::string& userId) {
    OBSCURA_TRY_STATUS(storage_.run([&](storage::Repositories& repos) -> Status {
        OBSCURA_TRY(user, repos.auth().findUserById(userId));
        if (!user) return notFound("no such user");
        OBSCURA_TRY(removed, repos.mfa().deleteMfa(userId));
        (void)removed;
        return {};
    }));
    log::info("auth: an admin turned two-factor sign-in off for user " + userId);
    return {};
}

Expected<bool> MfaService::required(const std::string& userId) {
    OBSCURA_TRY(s, status(userId));
    return s.enabled;
}

Expected<std::string> MfaService::challenge(const std::string& userId) {
    std::string token = randomSecret();
    const std::int64_t expires =
        clock_.nowUs() + std::chrono::duration_cast<std::chrono::microseconds>(challengeLifetime_).count();
    OBSCURA_TRY_STATUS(storage_.run([&](storage::Repositories& repos) {
        return repos.mfa().createMfaChallenge({hashSecret(token), userId, expires, std::nullopt});
    }));
    return token;
}

Expected<storage::UserRecord> MfaService::verify(std::string_view mfaToken, const std::optional<std::string>& code,
                                                 const std::optional<std::string>& recoveryCode,
                                                 const std::string& clientIp) {
    if (code.has_value() == recoveryCode.has_value()) return badRequest("give either code or recoveryCode");
    std::string parsed;
    if (code) {
        OBSCURA_TRY(c, parseTotpCode(*code, "code"));
        parsed = std::move(c);
    } else {
        OBSCURA_TRY(c, parseRecoveryCode(*recoveryCode));
        parsed = std::move(c);
    }
    if (mfaToken.empty() || mfaToken.size() > kMaxTokenBytes) return tokenInvalid();
    const std::string tokenHash = hashSecret(mfaToken);
    const std::int64_t now = clock_.nowUs();
    std::optional<storage::UserRecord> user;
    OBSCURA_TRY_STATUS(storage_.run([&](storage::Repositories& repos) -> Status {
        OBSCURA_TRY(found, repos.mfa().findMfaChallenge(tokenHash));
        if (!found || found->usedAtUs || found->expiresAtUs <= now) return {};
        OBSCURA_TRY(owner, repos.auth().findUserById(found->userId));
        user = std::move(owner);
        return {};
    }));
    if (!user) return tokenInvalid();
    if (user->disabled) return Error(ErrorCode::Forbidden, "this account is disabled", "account_disabled");
    OBSCURA_TRY_STATUS(throttle_.check(codeCounter(*user), clientIp));

    // The code and the challenge are spent together or not at all: a lost race for the challenge leaves the
    // code unspent.
    enum class Outcome { Accepted, WrongCode, ChallengeGone };
    Outcome outcome = Outcome::WrongCode;
    auto spent = storage_.transaction([&](storage::Repositories& repos) -> Status {
        outcome = Outcome::WrongCode;
        bool accepted = false;
        if (code) {
            OBSCURA_TRY(found, repos.mfa().findMfa(user->id));
            if (found && found->enabled) {
                const auto step = matchingStep(found->secret, parsed);
                if (step && *step > found->lastStep) {
                    OBSCURA_TRY(won, repos.mfa().advanceMfaStep(user->id, *step));
                    accepted = won;
                }
            }
        } else {
            OBSCURA_TRY(used, repos.mfa().useRecoveryCode(user->id, crypto_.codeHash(user->id, parsed), now));
            accepted = used;
        }
        if (!accepted) return {};
        OBSCURA_TRY(consumed, repos.mfa().consumeMfaChallenge(tokenHash, now));
        if (!consumed) {
            outcome = Outcome::ChallengeGone;
            return Error(ErrorCode::Conflict, "challenge spent meanwhile");  // rolls the code back
        }
        outcome = Outcome::Accepted;
        return {};
    });
    if (!spent && outcome != Outcome::ChallengeGone) return std::move(spent).error();
    switch (outcome) {
        case Outcome::Accepted:
            break;
        case Outcome::ChallengeGone:
            return tokenInvalid();
        case Outcome::WrongCode:
            throttle_.failed(codeCounter(*user), clientIp);
            return codeInvalid();
    }
    if (recoveryCode) log::info("auth: user " + user->id + " signed in with a recovery code");
    return std::move(*user);
}

Expected<std::int64_t> MfaService::purgeExpired() {
    std::int64_t purged = 0;
    OBSCURA_TRY_STATUS(storage_.run([&](storage::Repositories& repos) -> Status {
        OBSCURA_TRY(n, repos.mfa().purgeMfaChallenges(clock_.nowUs()));
        purged = n;
        return {};
    }));
    return purged;
}

}  // namespace obscura::auth

#include "password_reset_service.hpp"

#include <algorithm>
#include <cctype>

#include "account_rules.hpp"
#include "account_service.hpp"
#include "login_throttle.hpp"
#include "obscura/auth/events.hpp"
#include "obscura/kernel/bus.hpp"
#include "obscura/kernel/log.hpp"
#include "obscura/storage/storage.hpp"
#include "password_hasher.hpp"
#include "secrets.hpp"

namespace obscura::auth {
namespace {

Error tokenInvalid() {
    return Error(ErrorCode::Invalid,
                 "this password-reset link is not valid: it was used already, has expired, or never existed",
                 "reset_token_invalid");
}

std::string lowerAscii(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
    return out;
}

std::int64_t micros(std::chrono::seconds s) { return std::chrono::duration_cast<std::chrono::microseconds>(s).count(); }

}  // namespace

PasswordResetService::PasswordResetService(storage::Storage& storage, AccountService& accounts, PasswordHasher& hasher,
                                           Bus* bus, const AuthSettings& settings, const Clock& clock)
    : storage_(storage), accounts_(accounts), hasher_(hasher), bus_(bus), settings_(settings), clock_(clock) {}

Status PasswordResetService::countRequest(const std::string& email, const std::string& clientIp) {
    const std::int64_t now = clock_.nowUs();
    const std::int64_t windowUs = micros(settings_.loginFailureWindow);
    storage::LoginFailures byAddress, byIp;
    OBSCURA_TRY_STATUS(storage_.run([&](storage::Repositories& repos) -> Status {
        OBSCURA_TRY(a, repos.auth().addLoginFailure("reset-mail:" + hashSecret(email).substr(0, 32), now, windowUs));
        OBSCURA_TRY(
            i, repos.auth().addLoginFailure("reset-ip:" + (clientIp.empty() ? "unknown" : clientIp), now, windowUs));
        byAddress = a;
        byIp = i;
        return {};
    }));
    // This request is counted already: the limit is reached when the count goes past it.
    std::optional<int> wait =
        secondsBlocked(byAddress, settings_.passwordResetsPerAddress + 1, settings_.loginFailureWindow, now);
    if (auto ipWait = secondsBlocked(byIp, settings_.passwordResetsPerIp + 1, settings_.loginFailureWindow, now))
        wait = std::max(wait.value_or(0), *ipWait);
    if (!wait) return {};
    return Error(ErrorCode::RateLimited, "too many password-reset requests; try again later").retryAfter(*wait);
}

Status PasswordResetService::request(std::string_view emailText, const std::string& clientIp,
                                     const std::string& linkBase) {
    const std::string email = lowerAscii(emailText);
    // Anything that is not an address finds nobody, and is answered like an address that does.
    const bool plausible = !email.empty() && email.size() <= kMaxEmailBytes && checkEmail(email).ok();
    OBSCURA_TRY_STATUS(countRequest(plausible ? email : std::string("(not an address)"), clientIp));
    if (!plausible) return {};
    std::vector<storage::UserRecord> users;
    OBSCURA_TRY_STATUS(storage_.run([&](storage::Repositories& repos) -> Status {
        OBSCURA_TRY(found, repos.passwordResets().findUsersByEmail(email, kMaxAccountsPerAddress));
        users = std::move(found);
        return {};
    }));
    const std::int64_t now = clock_.nowUs();
    for (const auto& user : users) {
        if (user.disabled) continue;  // refused at confirm anyway; no mail that leads nowhere
        const std::string token = randomSecret();
        storage::PasswordResetRecord record{hashSecret(token), user.id, now,
                                            now + micros(settings_.passwordResetLifetime), std::nullopt};
        OBSCURA_TRY_STATUS(storage_.run(
            [&](storage::Repositories& repos) { return repos.passwordResets().createPasswordReset(record); }));
        log::info("auth: a password reset was asked for user " + user.id);
        if (!bus_) continue;
        PasswordResetRequested event;
        event.userId = user.id;
        event.username = user.username;
        event.displayName = user.displayName;
        event.email = user.email;
        event.link = linkBase + "/reset-password?token=" + token;
        event.expiresInMinutes =
            std::chrono::duration_cast<std::chrono::minutes>(settings_.passwordResetLifetime).count();
        bus_->publish(std::move(event));
    }
    return {};
}

Status PasswordResetService::confirm(std::string_view token, std::string_view newPassword) {
    if (token.empty() || token.size() > kMaxTokenBytes) return tokenInvalid();
    const std::string tokenHash = hashSecret(token);
    const std::int64_t now = clock_.nowUs();
    std::optional<storage::PasswordResetRecord> reset;
    OBSCURA_TRY_STATUS(storage_.run([&](storage::Repositories& repos) -> Status {
        OBSCURA_TRY(found, repos.passwordResets().findPasswordReset(tokenHash));
        reset = std::move(found);
        return {};
    }));
    if (!reset || reset->usedAtUs || reset->expiresAtUs <= now) return tokenInvalid();
    auto user = accounts_.find(reset->userId);
    if (!user) return user.error().code == ErrorCode::NotFound ? tokenInvalid() : std::move(user).error();
    if (user->disabled) return Error(ErrorCode::Forbidden, "this account is disabled", "account_disabled");
    OBSCURA_TRY_STATUS(checkPassword(newPassword, user->username));
    OBSCURA_TRY(hash, hasher_.hash(newPassword));
    OBSCURA_TRY_STATUS(accounts_.resetPassword(user->id, hash, [&](storage::Repositories& repos) -> Status {
        OBSCURA_TRY(won, repos.passwordResets().consumePasswordReset(tokenHash, now));
        if (!won) return tokenInvalid();
        OBSCURA_TRY(others, repos.passwordResets().deleteUserPasswordResets(user->id));
        (void)others;
        return {};
    }));
    log::info("auth: user " + user->id + " set a new password from a reset link; their sessions were ended");
    return {};
}

Expected<std::int64_t> PasswordResetService::purgeExpired() {
    std::int64_t purged = 0;
    OBSCURA_TRY_STATUS(storage_.run([&](storage::Repositories& repos) -> Status {
        OBSCURA_TRY(n, repos.passwordResets().purgePasswordResets(clock_.nowUs()));
        purged = n;
        return {};
    }));
    return purged;
}

}  // namespace obscura::auth

#include "credential_checker.hpp"

#include "account_rules.hpp"
#include "login_throttle.hpp"
#include "obscura/kernel/log.hpp"
#include "obscura/storage/storage.hpp"
#include "password_hasher.hpp"

namespace obscura::auth {
namespace {

Error badCredentials() { return Error(ErrorCode::Unauthenticated, "invalid username or password"); }

Status refuseOversized(std::string_view password) {
    if (password.size() > kMaxPasswordBytes) {
        return invalid("password is longer than " + std::to_string(kMaxPasswordBytes) + " bytes");
    }
    return {};
}

}  // namespace

CredentialChecker::CredentialChecker(storage::Storage& storage, PasswordHasher& hasher, LoginThrottle& throttle)
    : storage_(storage), hasher_(hasher), throttle_(throttle) {}

Expected<storage::UserRecord> CredentialChecker::signIn(std::string_view username, std::string_view password,
                                                        const std::string& clientIp) {
    OBSCURA_TRY_STATUS(refuseOversized(password));
    const std::string key = usernameKey(username);
    OBSCURA_TRY_STATUS(throttle_.check(key, clientIp));

    std::optional<storage::UserRecord> user;
    if (checkUsername(username)) {
        OBSCURA_TRY_STATUS(storage_.run([&](storage::Repositories& repos) -> Status {
            OBSCURA_TRY(found, repos.auth().findUserByUsernameKey(key));
            user = std::move(found);
            return {};
        }));
    }
    // Unknown usernames are checked against a hash nobody can match, so both failures cost one argon2id run.
    Expected<bool> matched =
        user ? hasher_.verify(user->passwordHash, password) : hasher_.verifyWithoutAccount(password);
    if (!matched) return std::move(matched).error();
    if (!*matched) {
        throttle_.failed(key, clientIp);
        return badCredentials();
    }
    throttle_.succeeded(key);
    if (user->disabled) return Error(ErrorCode::Forbidden, "this account is disabled", "account_disabled");
    rehashIfNeeded(*user, password);
    return std::move(*user);
}

Status CredentialChecker::confirm(const storage::UserRecord& user, std::string_view password,
                                  const std::string& clientIp) {
    OBSCURA_TRY_STATUS(refuseOversized(password));
    OBSCURA_TRY_STATUS(throttle_.check(user.usernameKey, clientIp));
    OBSCURA_TRY(matched, hasher_.verify(user.passwordHash, password));
    if (!matched) {
        throttle_.failed(user.usernameKey, clientIp);
        return Error(ErrorCode::Forbidden, "the password is not right", "wrong_password");
    }
    throttle_.succeeded(user.usernameKey);
    return {};
}

void CredentialChecker::rehashIfNeeded(const storage::UserRecord& user, std::string_view password) {
    if (!hasher_.needsRehash(user.passwordHash)) return;
    auto fresh = hasher_.hash(password);
    if (!fresh) {
        log::warn("auth: could not rehash the password of user " + user.id + ": " + fresh.error().message);
        return;
    }
    // Only the hash changes, and only if nobody changed it meanwhile: a concurrent password change wins.
    auto status = storage_.transaction([&](storage::Repositories& repos) -> Status {
        OBSCURA_TRY(current, repos.auth().findUserById(user.id));
        if (!current || current->passwordHash != user.passwordHash) return {};
        current->passwordHash = *fresh;
        OBSCURA_TRY(write, repos.auth().updateUser(*current, false));
        (void)write;
        return {};
    });
    if (!status) {
        log::warn("auth: could not store the rehashed password of user " + user.id + ": " + status.error().message);
    } else {
        log::info("auth: rehashed the password of user " + user.id + " with the current argon2id parameters");
    }
}

}  // namespace obscura::auth

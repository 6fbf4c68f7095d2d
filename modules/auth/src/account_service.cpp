#include "account_service.hpp"

#include "account_rules.hpp"
#include "credential_checker.hpp"
#include "obscura/auth/events.hpp"
#include "obscura/auth/user_deletion.hpp"
#include "obscura/base/ids.hpp"
#include "obscura/base/rfc3339.hpp"
#include "obscura/kernel/bus.hpp"
#include "obscura/kernel/log.hpp"
#include "obscura/kernel/service_registry.hpp"
#include "obscura/storage/storage.hpp"
#include "password_hasher.hpp"

namespace obscura::auth {
namespace {

Error registrationClosed() {
    return Error(ErrorCode::Forbidden, "registration is closed; an admin can create your account",
                 "registration_closed");
}

Error lastAdmin() {
    return Error(ErrorCode::Conflict, "the last admin cannot be removed, demoted or disabled", "last_admin");
}

Error usernameTaken() { return conflict("that username is taken"); }

bool activeAdmin(const storage::UserRecord& u) { return u.isAdmin && !u.disabled; }

Status checkNewUser(const NewUser& user) {
    OBSCURA_TRY_STATUS(checkUsername(user.username));
    OBSCURA_TRY_STATUS(checkPassword(user.password, user.username));
    OBSCURA_TRY_STATUS(checkEmail(user.email));
    return checkDisplayName(user.displayName);
}

}  // namespace

Status checkProfile(const ProfileChanges& changes) {
    if (changes.displayName) OBSCURA_TRY_STATUS(checkDisplayName(*changes.displayName));
    if (changes.email) OBSCURA_TRY_STATUS(checkEmail(*changes.email));
    if (changes.bio) OBSCURA_TRY_STATUS(checkBio(*changes.bio));
    return {};
}

AccountService::AccountService(storage::Storage& storage, PasswordHasher& hasher, CredentialChecker& credentials,
                               const AuthSettings& settings, Bus* bus, const Clock& clock)
    : storage_(storage), hasher_(hasher), credentials_(credentials), settings_(settings), bus_(bus), clock_(clock) {}

Status AccountService::checkRegistrationOpen() {
    if (settings_.registration == "open") return {};
    if (settings_.registration == "closed") return registrationClosed();
    std::int64_t users = 0;
    OBSCURA_TRY_STATUS(storage_.run([&](storage::Repositories& repos) -> Status {
        OBSCURA_TRY(n, repos.auth().countUsers());
        users = n;
        return {};
    }));
    return users == 0 ? Status{} : registrationClosed();
}

Expected<storage::UserRecord> AccountService::registerUser(const NewUser& user) {
    return insert(user, Policy::Registration);
}

Expected<storage::UserRecord> AccountService::createUser(const NewUser& user) { return insert(user, Policy::Creation); }

Expected<storage::UserRecord> AccountService::insert(const NewUser& user, Policy policy) {
    OBSCURA_TRY_STATUS(checkNewUser(user));
    const std::string key = usernameKey(user.username);
    // A taken name is answered before the expensive hash; the insert below still catches a race.
    bool taken = false;
    OBSCURA_TRY_STATUS(storage_.run([&](storage::Repositories& repos) -> Status {
        OBSCURA_TRY(existing, repos.auth().findUserByUsernameKey(key));
        taken = existing.has_value();
        return {};
    }));
    if (taken) return usernameTaken();
    OBSCURA_TRY(hash, hasher_.hash(user.password));

    storage::UserRecord record;
    record.id = newUuid();
    record.username = user.username;
    record.usernameKey = key;
    record.email = user.email;
    record.displayName = user.displayName;
    record.passwordHash = std::move(hash);
    record.quotaBytes = user.quotaBytes;
    record.createdAt = formatRfc3339(clock_.nowUs());
    record.updatedAt = record.createdAt;

    const bool selfRegistration = policy == Policy::Registration;
    if (selfRegistration && settings_.registration == "closed") return registrationClosed();
    bool inserted = false;
    OBSCURA_TRY_STATUS(storage_.run([&](storage::Repositories& repos) -> Status {
        // The first account administers the server; createFirstUser makes "first" atomic across racing requests.
        auto first = record;
        first.isAdmin = true;
        OBSCURA_TRY(wasFirst, repos.auth().createFirstUser(first));
        if (wasFirst) {
            record = std::move(first);
            inserted = true;
            return {};
        }
        if (selfRegistration && settings_.registration != "open") return registrationClosed();
        record.isAdmin = user.isAdmin;
        auto created = repos.auth().createUser(record);
        if (!created && created.error().code == ErrorCode::Conflict) return usernameTaken();
        OBSCURA_TRY_STATUS(std::move(created));
        inserted = true;
        return {};
    }));
    if (!inserted) return internalError("the account was not stored");
    log::info("auth: user " + record.id + " (" + record.username + ") created" + (record.isAdmin ? " as admin" : ""));
    published(record, true);
    return record;
}

Expected<storage::UserRecord> AccountService::find(const std::string& id) {
    std::optional<storage::UserRecord> user;
    OBSCURA_TRY_STATUS(storage_.run([&](storage::Repositories& repos) -> Status {
        OBSCURA_TRY(found, repos.auth().findUserById(id));
        user = std::move(found);
        return {};
    }));
    if (!user) return notFound("no such user");
    return std::move(*user);
}

Expected<std::vector<storage::UserRecord>> AccountService::list(int limit, const std::string& afterUsernameKey) {
    std::vector<storage::UserRecord> users;
    OBSCURA_TRY_STATUS(storage_.run([&](storage::Repositories& repos) -> Status {
        OBSCURA_TRY(rows, repos.auth().listUsers(limit, afterUsernameKey));
        users = std::move(rows);
        return {};
    }));
    return users;
}

Expected<storage::UserRecord> AccountService::write(const std::string& id,
                                                    const std::function<Status(storage::UserRecord&)>& apply,
                                                    bool revokeSessions,
                                                    const std::function<Status(storage::Repositories&)>& alongside) {
    storage::UserRecord result;
    OBSCURA_TRY_STATUS(storage_.transaction([&](storage::Repositories& repos) -> Status {
        auto& auth = repos.auth();
        OBSCURA_TRY(found, auth.findUserById(id));
        if (!found) return notFound("no such user");
        storage::UserRecord next = *found;
        OBSCURA_TRY_STATUS(apply(next));
        // Disabling ends every session at once, as does a new password.
        const bool endSessions = revokeSessions || (next.disabled && !found->disabled);
        if (endSessions) ++next.tokenVersion;
        next.updatedAt = formatRfc3339(clock_.nowUs());
        OBSCURA_TRY(outcome, auth.updateUser(next, activeAdmin(*found) && !activeAdmin(next)));
        if (outcome == storage::UserWrite::NotFound) return notFound("no such user");
        if (outcome == storage::UserWrite::LastAdmin) return lastAdmin();
        if (endSessions) {
            OBSCURA_TRY(revoked, auth.revokeUserRefreshTokens(id));
            (void)revoked;
        }
        if (alongside) OBSCURA_TRY_STATUS(alongside(repos));
        result = std::move(next);
        return {};
    }));
    return result;
}

Expected<storage::UserRecord> AccountService::updateProfile(const std::string& id, const ProfileChanges& changes) {
    OBSCURA_TRY_STATUS(checkProfile(changes));
    return write(
        id,
        [&](storage::UserRecord& user) -> Status {
            if (changes.displayName) user.displayName = *changes.displayName;
            if (changes.email) user.email = *changes.email;
            if (changes.bio) user.bio = *changes.bio;
            return {};
        },
        false);
}

Status AccountService::changePassword(const std::string& id, std::string_view currentPassword,
                                      std::string_view newPassword, const std::string& clientIp) {
    OBSCURA_TRY(user, find(id));
    OBSCURA_TRY_STATUS(credentials_.confirm(user, currentPassword, clientIp));
    OBSCURA_TRY_STATUS(checkPassword(newPassword, user.username));
    OBSCURA_TRY(hash, hasher_.hash(newPassword));
    OBSCURA_TRY(written, write(
                             id,
                             [&](storage::UserRecord& u) -> Status {
                                 u.passwordHash = hash;
                                 return {};
                             },
                             true));
    log::info("auth: user " + written.id + " changed their password; their sessions were ended");
    return {};
}

Status AccountService::resetPassword(const std::string& id, const std::string& passwordHash,
                                     const std::function<Status(storage::Repositories&)>& spend) {
    OBSCURA_TRY(written, write(
                             id,
                             [&](storage::UserRecord& u) -> Status {
                                 if (u.disabled) {
                                     return Error(ErrorCode::Forbidden, "this account is disabled", "account_disabled");
                                 }
                                 u.passwordHash = passwordHash;
                                 return {};
                             },
                             true, spend));
    (void)written;
    return {};
}

Status AccountService::deleteOwnAccount(const std::string& id, std::string_view password, const std::string& clientIp) {
    OBSCURA_TRY(user, find(id));
    OBSCURA_TRY_STATUS(credentials_.confirm(user, password, clientIp));
    return remove(user);
}

Expected<storage::UserRecord> AccountService::adminUpdate(const std::string& id, const AdminChanges& changes) {
    OBSCURA_TRY(current, find(id));  // 404 comes before any complaint about the body
    OBSCURA_TRY_STATUS(checkProfile(changes.profile));
    std::optional<std::string> hash;
    if (changes.password) {
        OBSCURA_TRY_STATUS(checkPassword(*changes.password, current.username));
        OBSCURA_TRY(h, hasher_.hash(*changes.password));
        hash = std::move(h);
    }
    return write(
        id,
        [&](storage::UserRecord& user) -> Status {
            if (changes.profile.displayName) user.displayName = *changes.profile.displayName;
            if (changes.profile.email) user.email = *changes.profile.email;
            if (changes.profile.bio) user.bio = *changes.profile.bio;
            if (changes.isAdmin) user.isAdmin = *changes.isAdmin;
            if (changes.disabled) user.disabled = *changes.disabled;
            if (changes.quotaBytes) user.quotaBytes = *changes.quotaBytes;
            if (hash) user.passwordHash = *hash;
            return {};
        },
        hash.has_value());
}

Status AccountService::adminDelete(const std::string& id) {
    OBSCURA_TRY(user, find(id));
    return remove(user);
}

Status AccountService::remove(const storage::UserRecord& user) {
    storage::UserWrite outcome = storage::UserWrite::NotFound;
    OBSCURA_TRY_STATUS(storage_.transaction([&](storage::Repositories& repos) -> Status {
        // Re-read: whether the guard applies depends on the user as it is now, not as the caller saw it.
        OBSCURA_TRY(current, repos.auth().findUserById(user.id));
        if (!current) return {};
        auto hook = services_ != nullptr ? services_->find<UserDeletionHook>() : nullptr;
        if (hook) OBSCURA_TRY_STATUS(hook->beforeUserDeleted(repos, user.id));
        OBSCURA_TRY(o, repos.auth().deleteUser(user.id, activeAdmin(*current)));
        outcome = o;
        if (o == storage::UserWrite::Done && hook) OBSCURA_TRY_STATUS(hook->onUserDeleted(repos, user.id));
        return {};
    }));
    if (outcome == storage::UserWrite::NotFound) return notFound("no such user");
    if (outcome == storage::UserWrite::LastAdmin) return lastAdmin();
    log::info("auth: user " + user.id + " (" + user.username + ") deleted");
    published(user, false);
    return {};
}

void AccountService::published(const storage::UserRecord& user, bool created) {
    if (!bus_) return;
    if (created) {
        bus_->publish(UserCreated{user.id, user.username, user.isAdmin});
    } else {
        bus_->publish(UserDeleted{user.id, user.username});
    }
}

}  // namespace obscura::auth

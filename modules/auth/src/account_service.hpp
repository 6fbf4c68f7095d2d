#pragma once
// Accounts: registration, creation by admins and the CLI, profile edits, password changes and deletion,
// and the admin's changes (quota, admin rights, disabling). Never leaves the server without an active admin.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth_settings.hpp"
#include "obscura/auth/user_creation.hpp"
#include "obscura/base/clock.hpp"
#include "obscura/base/expected.hpp"
#include "obscura/storage/records.hpp"

namespace obscura {
class Bus;
namespace storage {
class Repositories;
class Storage;
}  // namespace storage
}  // namespace obscura

namespace obscura {
class ServiceRegistry;
}

namespace obscura::auth {

class CredentialChecker;
class PasswordHasher;

struct ProfileChanges {
    std::optional<std::string> displayName;
    std::optional<std::string> email;
    std::optional<std::string> bio;
};

struct AdminChanges {
    ProfileChanges profile;
    std::optional<bool> isAdmin;
    std::optional<bool> disabled;
    std::optional<std::optional<std::int64_t>> quotaBytes;  // inner nullopt = unlimited
    std::optional<std::string> password;                    // an admin setting a new password
};

class AccountService {
public:
    // bus may be null (the CLI creates users with no server running, so nobody could listen).
    AccountService(storage::Storage& storage, PasswordHasher& hasher, CredentialChecker& credentials,
                   const AuthSettings& settings, Bus* bus, const Clock& clock);
    // Where deletion hooks are found (obscura/auth/user_deletion.hpp); null: none (the CLI).
    void setServices(const ServiceRegistry* services) { services_ = services; }

    // Forbidden registration_closed unless self-registration is open right now (checked again at insert).
    Status checkRegistrationOpen();
    // Self-registration: the first user becomes admin; later ones only while registration is open.
    Expected<storage::UserRecord> registerUser(const NewUser& user);
    // By an admin or the CLI: always allowed; the server's first user is an admin whatever isAdmin says.
    Expected<storage::UserRecord> createUser(const NewUser& user);

    Expected<storage::UserRecord> find(const std::string& id);  // NotFound
    Expected<std::vector<storage::UserRecord>> list(int limit, const std::string& afterUsernameKey);

    Expected<storage::UserRecord> updateProfile(const std::string& id, const ProfileChanges& changes);
    // Every session of the user ends (refresh tokens revoked, access tokens outdated); API keys stay.
    Status changePassword(const std::string& id, std::string_view currentPassword, std::string_view newPassword,
                          const std::string& clientIp);
    // A mailed password reset: passwordHash (made by the caller) replaces the password, and `spend` (the reset
    // token's use) runs in the same transaction — both happen or neither. Every session ends. Forbidden
    // account_disabled for a disabled account, checked in that transaction.
    Status resetPassword(const std::string& id, const std::string& passwordHash,
                         const std::function<Status(storage::Repositories&)>& spend);
    Status deleteOwnAccount(const std::string& id, std::string_view password, const std::string& clientIp);

    Expected<storage::UserRecord> adminUpdate(const std::string& id, const AdminChanges& changes);
    Status adminDelete(const std::string& id);

private:
    enum class Policy { Registration, Creation };
    Expected<storage::UserRecord> insert(const NewUser& user, Policy policy);
    Expected<storage::UserRecord> write(const std::string& id, const std::function<Status(storage::UserRecord&)>& apply,
                                        bool revokeSessions,
                                        const std::function<Status(storage::Repositories&)>& alongside = {});
    Status remove(const storage::UserRecord& user);
    void published(const storage::UserRecord& user, bool created);

    storage::Storage& storage_;
    PasswordHasher& hasher_;
    CredentialChecker& credentials_;
    const AuthSettings& settings_;
    Bus* bus_;
    const ServiceRegistry* services_ = nullptr;
    const Clock& clock_;
};

// Validates whichever profile fields are present (Invalid naming the field).
Status checkProfile(const ProfileChanges& changes);

}  // namespace obscura::auth

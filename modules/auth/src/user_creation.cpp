#include "obscura/auth/user_creation.hpp"

#include "account_service.hpp"
#include "auth_settings.hpp"
#include "credential_checker.hpp"
#include "login_throttle.hpp"
#include "password_hasher.hpp"

namespace obscura::auth {

Expected<CreatedUser> createUserWithoutServer(const Config& config, storage::Storage& storage, const NewUser& user,
                                              const Clock& clock) {
    try {
        const AuthSettings settings = AuthSettings::fromConfig(config);
        PasswordHasher hasher(settings.password, settings.passwordHashConcurrency, std::chrono::seconds(60));
        LoginThrottle throttle(storage, ThrottleLimits{}, clock);
        CredentialChecker credentials(storage, hasher, throttle);
        AccountService accounts(storage, hasher, credentials, settings, nullptr, clock);
        OBSCURA_TRY(created, accounts.createUser(user));
        return CreatedUser{created.id, created.username, created.isAdmin};
    } catch (const std::exception& e) {  // the hasher refuses bad parameters by throwing ModuleStartError
        return invalid(e.what());
    }
}

}  // namespace obscura::auth

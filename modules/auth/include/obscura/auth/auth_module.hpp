#pragma once
#include <memory>
#include <string_view>

#include "obscura/auth/password_guard.hpp"
#include "obscura/auth/quota.hpp"
#include "obscura/auth/user_contacts.hpp"
#include "obscura/kernel/module.hpp"

namespace obscura::auth {

// Accounts, passwords, tokens, API keys, admin and quotas. Its constructor registers the Authenticator the
// HTTP layer uses for every user and admin route; onAllLoaded() adds its routes.
class AuthModule final : public Module {
public:
    static constexpr std::string_view kName = "auth";
    AuthModule(const Config& config, ModuleContext& ctx);
    ~AuthModule() override;
    std::string_view name() const override { return kName; }
    Status onAllLoaded() override;

    // Storage quotas, for the images module (ctx.get<AuthModule>().quota()).
    Quota& quota();
    // E-mail addresses and names, for notifications (ctx.get<AuthModule>().contacts()).
    UserContacts& contacts();
    // Password checks with auth's hasher and sign-in throttle, for share links' passwords.
    PasswordGuard& passwordGuard();

private:
    struct Impl;
    ModuleContext& ctx_;
    std::unique_ptr<Impl> impl_;
};

}  // namespace obscura::auth

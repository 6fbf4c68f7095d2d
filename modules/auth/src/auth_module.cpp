#include "obscura/auth/auth_module.hpp"

#include "account_service.hpp"
#include "auth_routes.hpp"
#include "auth_settings.hpp"
#include "credential_checker.hpp"
#include "jwt_codec.hpp"
#include "login_throttle.hpp"
#include "mfa_crypto.hpp"
#include "mfa_service.hpp"
#include "obscura/kernel/config.hpp"
#include "obscura/kernel/log.hpp"
#include "obscura/kernel/router.hpp"
#include "obscura/kernel/service_registry.hpp"
#include "oidc/oidc_client.hpp"
#include "oidc/oidc_routes.hpp"
#include "oidc/oidc_service.hpp"
#include "password_guard_impl.hpp"
#include "password_hasher.hpp"
#include "password_reset_service.hpp"
#include "request_authenticator.hpp"
#include "session_service.hpp"
#include "setup_routes.hpp"
#include "stored_contacts.hpp"
#include "stored_quota.hpp"

namespace obscura::auth {
namespace {

// How long a request waits for a free password-hashing slot before it is answered 503.
constexpr std::chrono::seconds kHashQueueWait{10};

const AuthSettings& checked(const AuthSettings& settings) {
    if (settings.jwtSecret.size() < 32) {
        throw ModuleStartError("auth.jwtSecret must be set (at least 32 characters) before the auth module starts");
    }
    if (settings.oidc.enabled() && settings.oidc.clientId.empty()) {
        throw ModuleStartError("auth.oidc.clientId must be set when auth.oidc.issuer is");
    }
    if (settings.oidc.enabled() && (" " + settings.oidc.scope + " ").find(" openid ") == std::string::npos) {
        throw ModuleStartError("auth.oidc.scope must include openid");
    }
    return settings;
}

}  // namespace

struct AuthModule::Impl {
    Impl(const Config& config, ModuleContext& ctx)
        : settings(checked(AuthSettings::fromConfig(config))),
          jwt(std::make_shared<const JwtCodec>(settings.jwtSecret)),
          hasher(settings.password, settings.passwordHashConcurrency, kHashQueueWait),
          throttle(ctx.storage(),
                   ThrottleLimits{settings.loginFailuresPerUsername, settings.loginFailuresPerIp,
                                  settings.loginFailureWindow},
                   ctx.clock()),
          credentials(ctx.storage(), hasher, throttle),
          sessions(ctx.storage(), *jwt, credentials, throttle, settings, ctx.clock()),
          accounts(ctx.storage(), hasher, credentials, settings, &ctx.bus(), ctx.clock()),
          quota(ctx.storage()),
          contacts(ctx.storage()),
          guard(hasher, throttle),
          mfaCrypto(settings.jwtSecret),
          mfa(ctx.storage(), mfaCrypto, credentials, throttle, ctx.clock(), settings.mfaChallengeLifetime),
          resets(ctx.storage(), accounts, hasher, &ctx.bus(), settings, ctx.clock()),
          routes{accounts, sessions, ctx.storage(), ctx.services(), settings, ctx.clock(), mfa, resets},
          oidcClient(settings.oidc, ctx.clock()),
          oidc(ctx.storage(), oidcClient, accounts, sessions, settings, ctx.clock()) {}

    AuthSettings settings;
    std::shared_ptr<const JwtCodec> jwt;
    PasswordHasher hasher;
    LoginThrottle throttle;
    CredentialChecker credentials;
    SessionService sessions;
    AccountService accounts;
    StoredQuota quota;
    StoredContacts contacts;
    PasswordGuardImpl guard;
    MfaCrypto mfaCrypto;
    MfaService mfa;
    PasswordResetService resets;
    RouteContext routes;
    OidcClient oidcClient;
    OidcService oidc;
};

AuthModule::AuthModule(const Config& config, ModuleContext& ctx)
    : ctx_(ctx), impl_(std::make_unique<Impl>(config, ctx)) {
    impl_->accounts.setServices(&ctx.services());
    // Expired sign-in challenges and reset tokens go with the sessions' hourly housekeeping.
    impl_->sessions.addHousekeeping([impl = impl_.get()] {
        if (auto n = impl->mfa.purgeExpired(); !n)
            log::warn("auth: could not purge sign-in challenges: " + n.error().message);
        if (auto n = impl->resets.purgeExpired(); !n)
            log::warn("auth: could not purge reset tokens: " + n.error().message);
    });
    // Registered now, not at onAllLoaded: from here on the HTTP layer can authenticate requests.
    ctx.services().put<Authenticator>(
        std::make_shared<RequestAuthenticator>(ctx.storage(), impl_->jwt, impl_->settings.publicUrl, ctx.clock()));
}

AuthModule::~AuthModule() = default;

Status AuthModule::onAllLoaded() {
    auto& routes = impl_->routes;
    OBSCURA_TRY_STATUS(
        ctx_.router().add(setupRoute(ctx_.storage(), impl_->settings.registration, impl_->settings.oidc)));
    for (auto& route : oidcRoutes(routes, impl_->oidc)) OBSCURA_TRY_STATUS(ctx_.router().add(std::move(route)));
    for (auto group : {sessionRoutes(routes), profileRoutes(routes), apiKeyRoutes(routes), adminUserRoutes(routes),
                       mfaRoutes(routes), passwordResetRoutes(routes)}) {
        for (auto& route : group) OBSCURA_TRY_STATUS(ctx_.router().add(std::move(route)));
    }
    return {};
}

Quota& AuthModule::quota() { return impl_->quota; }
UserContacts& AuthModule::contacts() { return impl_->contacts; }
PasswordGuard& AuthModule::passwordGuard() { return impl_->guard; }

}  // namespace obscura::auth

#include "auth_settings.hpp"

#include <algorithm>
#include <thread>

#include "obscura/kernel/config.hpp"

namespace obscura::auth {

AuthSettings AuthSettings::fromConfig(const Config& config) {
    AuthSettings s;
    s.jwtSecret = config.getString("auth.jwtSecret");
    s.registration = config.getString("auth.registration");
    s.accessTokenLifetime = std::chrono::minutes(config.getInt("auth.accessTokenMinutes"));
    s.refreshTokenLifetime = std::chrono::hours(24 * config.getInt("auth.refreshTokenDays"));
    s.password.memoryBytes = static_cast<std::uint64_t>(config.getInt("auth.passwordHashMemoryKib")) * 1024;
    s.password.iterations = static_cast<std::uint64_t>(config.getInt("auth.passwordHashIterations"));
    const auto concurrency = config.getInt("auth.passwordHashConcurrency");
    s.passwordHashConcurrency = concurrency > 0 ? static_cast<int>(concurrency)
                                                : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    s.loginFailuresPerUsername = static_cast<int>(config.getInt("auth.loginFailuresPerUsername"));
    s.loginFailuresPerIp = static_cast<int>(config.getInt("auth.loginFailuresPerIp"));
    s.loginFailureWindow = std::chrono::seconds(config.getInt("auth.loginFailureWindowSeconds"));
    s.mfaChallengeLifetime = std::chrono::seconds(config.getInt("auth.mfaChallengeSeconds"));
    s.passwordResetLifetime = std::chrono::minutes(config.getInt("auth.passwordResetMinutes"));
    s.passwordResetsPerAddress = static_cast<int>(config.getInt("auth.passwordResetsPerAddress"));
    s.passwordResetsPerIp = static_cast<int>(config.getInt("auth.passwordResetsPerIp"));
    s.publicUrl = config.getString("server.publicUrl");
    s.oidc.issuer = config.getString("auth.oidc.issuer");
    s.oidc.clientId = config.getString("auth.oidc.clientId");
    s.oidc.clientSecret = config.getString("auth.oidc.clientSecret");
    s.oidc.scope = config.getString("auth.oidc.scope");
    s.oidc.autoRegister = config.getBool("auth.oidc.autoRegister");
    s.oidc.linkByEmail = config.getBool("auth.oidc.linkByEmail");
    s.oidc.adminClaim = config.getString("auth.oidc.adminClaim");
    s.oidc.quotaClaim = config.getString("auth.oidc.quotaClaim");
    s.oidc.buttonText = config.getString("auth.oidc.buttonText");
    return s;
}

}  // namespace obscura::auth

#pragma once
// The auth section of the configuration, read once at start.
#include <chrono>
#include <string>

#include "oidc/oidc_settings.hpp"
#include "password_hasher.hpp"

namespace obscura {
class Config;
}

namespace obscura::auth {

struct AuthSettings {
    std::string jwtSecret;
    std::string registration;  // "open", "closed" or "" (open until the first user exists)
    std::chrono::seconds accessTokenLifetime{15 * 60};
    std::chrono::seconds refreshTokenLifetime{30 * 24 * 3600};
    PasswordParams password;
    int passwordHashConcurrency = 1;
    int loginFailuresPerUsername = 5;
    int loginFailuresPerIp = 20;
    std::chrono::seconds loginFailureWindow{900};
    // Two-factor sign-in and password reset (issue 24).
    std::chrono::seconds mfaChallengeLifetime{300};
    std::chrono::seconds passwordResetLifetime{30 * 60};
    int passwordResetsPerAddress = 3;
    int passwordResetsPerIp = 10;
    OidcSettings oidc;      // auth.oidc.*
    std::string publicUrl;  // server.publicUrl: the origin browsers' requests must come from, when set

    static AuthSettings fromConfig(const Config& config);
};

}  // namespace obscura::auth

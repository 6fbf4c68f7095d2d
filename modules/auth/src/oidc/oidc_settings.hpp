#pragma once
// auth.oidc.*: OpenID Connect sign-in (DESIGN §13). Off while issuer is empty.
#include <string>

namespace obscura::auth {

struct OidcSettings {
    std::string issuer;
    std::string clientId;
    std::string clientSecret;  // empty: a public client, authenticated by PKCE alone
    std::string scope = "openid email profile";
    bool autoRegister = false;
    bool linkByEmail = false;  // only addresses the provider calls verified
    std::string adminClaim;    // "name" (true) or "name=value" (equal, or in a list); empty: not from claims
    std::string quotaClaim;    // a claim holding bytes; empty: not from claims
    std::string buttonText = "Sign in with SSO";

    bool enabled() const { return !issuer.empty(); }
};

}  // namespace obscura::auth

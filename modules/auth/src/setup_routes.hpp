#pragma once
#include <string>

#include "obscura/kernel/http_types.hpp"
#include "obscura/kernel/route.hpp"
#include "oidc/oidc_settings.hpp"

namespace obscura::storage {
class Storage;
}

namespace obscura::auth {

// "open" or "closed": auth.registration, or when unset, open only until the first user exists.
Expected<std::string> effectiveRegistration(storage::Storage& storage, const std::string& configured);

// GET /api/auth/setup → {setupRequired, registration, oidc:{enabled, buttonText?}}: what the web UI's first screen
// needs (oidc: whether to show a "Sign in with …" button, issue 24).
Route setupRoute(storage::Storage& storage, std::string configuredRegistration, const OidcSettings& oidc = {});

}  // namespace obscura::auth

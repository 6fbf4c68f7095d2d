#pragma once
#include <string>

#include "obscura/kernel/http_types.hpp"
#include "obscura/kernel/route.hpp"

namespace obscura::storage {
class Storage;
}

namespace obscura::auth {

// "open" or "closed": auth.registration, or when unset, open only until the first user exists.
Expected<std::string> effectiveRegistration(storage::Storage& storage, const std::string& configured);

// GET /api/auth/setup → {setupRequired, registration}: what the web UI's first screen needs.
Route setupRoute(storage::Storage& storage, std::string configuredRegistration);

}  // namespace obscura::auth

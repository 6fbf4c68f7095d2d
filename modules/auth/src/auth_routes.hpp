#pragma once
// What the auth module's route handlers share, and the route groups it registers.
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "auth_settings.hpp"
#include "obscura/auth/usage_provider.hpp"
#include "obscura/base/clock.hpp"
#include "obscura/kernel/route.hpp"

namespace obscura {
class JsonBody;
class ServiceRegistry;
namespace storage {
class Storage;
}
}  // namespace obscura

namespace obscura::auth {

class AccountService;
class MfaService;
class PasswordResetService;
class SessionService;
struct ProfileChanges;

struct RouteContext {
    AccountService& accounts;
    SessionService& sessions;
    storage::Storage& storage;
    ServiceRegistry& services;
    const AuthSettings& settings;
    const Clock& clock;
    MfaService& mfa;
    PasswordResetService& resets;
};

// register, login, refresh, logout
std::vector<Route> sessionRoutes(RouteContext& ctx);
// /api/users/me…
std::vector<Route> profileRoutes(RouteContext& ctx);
// /api/api-keys…
std::vector<Route> apiKeyRoutes(RouteContext& ctx);
// /api/admin/users…
std::vector<Route> adminUserRoutes(RouteContext& ctx);
// /api/auth/mfa… and /api/admin/users/{id}/mfa (issue 24)
std::vector<Route> mfaRoutes(RouteContext& ctx);
// /api/auth/password-reset… (issue 24)
std::vector<Route> passwordResetRoutes(RouteContext& ctx);

Response jsonResponse(int status, const nlohmann::json& body);
// Responses that carry credentials must never be stored by a cache.
void noStore(Response& response);
// What the registered UsageProvider says, or zeros while there is none.
Expected<Usage> usageOf(ServiceRegistry& services, const std::string& userId);
// displayName, email and bio, where present (profile and admin edits).
Expected<ProfileChanges> readProfileChanges(const JsonBody& body);
// Forbidden session_required unless the caller signed in with a password (bearer or cookie): an API key
// cannot change the password, delete the account or mint more keys.
Status requireSession(const Request& request);

}  // namespace obscura::auth

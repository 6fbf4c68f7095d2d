#include "setup_routes.hpp"

#include <nlohmann/json.hpp>

#include "obscura/kernel/storage_calls.hpp"

namespace obscura::auth {

namespace {
Expected<std::int64_t> countUsers(storage::Storage& storage) {
    return withRepos(storage, [](storage::Repositories& repos) { return repos.auth().countUsers(); });
}
}  // namespace

Expected<std::string> effectiveRegistration(storage::Storage& storage, const std::string& configured) {
    if (!configured.empty()) return configured;
    OBSCURA_TRY(users, countUsers(storage));
    return std::string(users == 0 ? "open" : "closed");
}

Route setupRoute(storage::Storage& storage, std::string configuredRegistration, const OidcSettings& oidc) {
    nlohmann::json oidcJson = {{"enabled", oidc.enabled()}};
    if (oidc.enabled()) oidcJson["buttonText"] = oidc.buttonText;
    return Route{
        .method = Method::Get,
        .pattern = "/api/auth/setup",
        .auth = AuthPolicy::Anonymous,
        .module = "auth",
        .summary = "Whether the first (admin) account must still be created, and whether registration is open",
        .handler = [&storage, configured = std::move(configuredRegistration),
                    oidcJson = std::move(oidcJson)](Request&) -> Expected<Response> {
            OBSCURA_TRY(users, countUsers(storage));
            OBSCURA_TRY(registration, effectiveRegistration(storage, configured));
            nlohmann::json body = {{"setupRequired", users == 0}, {"registration", registration}, {"oidc", oidcJson}};
            return Response::json(200, body.dump());
        }};
}

}  // namespace obscura::auth

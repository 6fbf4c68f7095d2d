#include "setup_routes.hpp"

#include <nlohmann/json.hpp>

#include "obscura/storage/storage.hpp"

namespace obscura::auth {

namespace {
Expected<std::int64_t> countUsers(storage::Storage& storage) {
    std::int64_t users = 0;
    auto status = storage.run([&](storage::Repositories& repos) -> Status {
        OBSCURA_TRY(n, repos.auth().countUsers());
        users = n;
        return {};
    });
    if (!status) return std::move(status).error();
    return users;
}
}  // namespace

Expected<std::string> effectiveRegistration(storage::Storage& storage, const std::string& configured) {
    if (!configured.empty()) return configured;
    OBSCURA_TRY(users, countUsers(storage));
    return std::string(users == 0 ? "open" : "closed");
}

Route setupRoute(storage::Storage& storage, std::string configuredRegistration) {
    Route route;
    route.method = Method::Get;
    route.pattern = "/api/auth/setup";
    route.auth = AuthPolicy::Anonymous;
    route.module = "auth";
    route.summary = "Whether the first (admin) account must still be created, and whether registration is open";
    route.handler = [&storage, configured = std::move(configuredRegistration)](Request&) -> Expected<Response> {
        OBSCURA_TRY(users, countUsers(storage));
        OBSCURA_TRY(registration, effectiveRegistration(storage, configured));
        nlohmann::json body = {{"setupRequired", users == 0}, {"registration", registration}};
        return Response::json(200, body.dump());
    };
    return route;
}

}  // namespace obscura::auth

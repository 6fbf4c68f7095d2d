// /api/api-keys: long-lived credentials for scripts and apps (the Immich CLI), sent as x-api-key. The secret
// is shown once, at creation; only its hash is stored. Rules and transactions: api_key_service.hpp.
#include <nlohmann/json.hpp>

#include "api_key_service.hpp"
#include "auth_routes.hpp"
#include "obscura/kernel/json_body.hpp"
#include "obscura/kernel/log.hpp"
#include "user_json.hpp"

namespace obscura::auth {
namespace {

using Keys = std::shared_ptr<ApiKeyService>;

Route createRoute(Keys keys) {
    return Route{
        .method = Method::Post,
        .pattern = "/api/api-keys",
        .module = "auth",
        .summary = "Create an API key ({name}); its secret is shown only now",
        .body = BodyKind::Buffered,
        .handler = [keys](Request& request) -> Expected<Response> {
            OBSCURA_TRY_STATUS(requireSession(request));
            OBSCURA_TRY(body, JsonBody::parse(request));
            OBSCURA_TRY(name, body.optionalString("name"));
            OBSCURA_TRY(created, keys->create(request.principal->userId, name));
            log::info("auth: user " + created.key.userId + " created API key " + created.key.id);
            Response response = jsonResponse(201, {{"secret", created.secret}, {"apiKey", apiKeyJson(created.key)}});
            noStore(response);
            return response;
        }};
}

Route listRoute(Keys keys) {
    return Route{.method = Method::Get,
                 .pattern = "/api/api-keys",
                 .module = "auth",
                 .summary = "The caller's API keys (never their secrets)",
                 .handler = [keys](Request& request) -> Expected<Response> {
                     OBSCURA_TRY(found, keys->list(request.principal->userId));
                     nlohmann::json body = nlohmann::json::array();
                     for (const auto& k : found) body.push_back(apiKeyJson(k));
                     return jsonResponse(200, body);
                 }};
}

Route mineRoute(Keys keys) {
    return Route{.method = Method::Get,
                 .pattern = "/api/api-keys/me",
                 .module = "auth",
                 .summary = "The API key this request was made with (Immich)",
                 .handler = [keys](Request& request) -> Expected<Response> {
                     const Principal& p = *request.principal;
                     if (p.via != Principal::Via::ApiKey) {
                         return Error(ErrorCode::Forbidden, "this request was not made with an API key",
                                      "not_an_api_key");
                     }
                     OBSCURA_TRY(key, keys->find(p.userId, p.apiKeyId));
                     return jsonResponse(200, apiKeyJson(key));
                 }};
}

Route deleteRoute(Keys keys) {
    return Route{.method = Method::Delete,
                 .pattern = "/api/api-keys/{id}",
                 .module = "auth",
                 .summary = "Delete one of the caller's API keys; it stops working at once",
                 .handler = [keys](Request& request) -> Expected<Response> {
                     OBSCURA_TRY_STATUS(keys->remove(request.principal->userId, std::string(request.param("id"))));
                     return Response::noContent();
                 }};
}

}  // namespace

std::vector<Route> apiKeyRoutes(RouteContext& ctx) {
    // Shared by the route handlers, which live as long as the router.
    auto keys = std::make_shared<ApiKeyService>(ctx.storage, ctx.clock);
    return {createRoute(keys), listRoute(keys), mineRoute(keys), deleteRoute(keys)};
}

}  // namespace obscura::auth

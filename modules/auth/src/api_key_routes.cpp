// /api/api-keys: long-lived credentials for scripts and apps (the Immich CLI), sent as x-api-key. The secret
// is shown once, at creation; only its hash is stored. Rules and transactions: api_key_service.hpp.
#include <nlohmann/json.hpp>

#include "api_key_service.hpp"
#include "auth_routes.hpp"
#include "json_body.hpp"
#include "obscura/kernel/log.hpp"
#include "user_json.hpp"

namespace obscura::auth {
namespace {

using Keys = std::shared_ptr<ApiKeyService>;

Route createRoute(Keys keys) {
    return authRoute(
        Method::Post, "/api/api-keys", AuthPolicy::User, "Create an API key ({name}); its secret is shown only now",
        [keys](Request& request) -> Expected<Response> {
            OBSCURA_TRY_STATUS(requireSession(request));
            OBSCURA_TRY(body, JsonBody::parse(request));
            OBSCURA_TRY(name, body.optionalString("name"));
            OBSCURA_TRY(created, keys->create(request.principal->userId, name));
            log::info("auth: user " + created.key.userId + " created API key " + created.key.id);
            Response response = jsonResponse(201, {{"secret", created.secret}, {"apiKey", apiKeyJson(created.key)}});
            noStore(response);
            return response;
        },
        BodyKind::Buffered);
}

Route listRoute(Keys keys) {
    return authRoute(Method::Get, "/api/api-keys", AuthPolicy::User, "The caller's API keys (never their secrets)",
                     [keys](Request& request) -> Expected<Response> {
                         OBSCURA_TRY(found, keys->list(request.principal->userId));
                         nlohmann::json body = nlohmann::json::array();
                         for (const auto& k : found) body.push_back(apiKeyJson(k));
                         return jsonResponse(200, body);
                     });
}

Route mineRoute(Keys keys) {
    return authRoute(Method::Get, "/api/api-keys/me", AuthPolicy::User,
                     "The API key this request was made with (Immich)", [keys](Request& request) -> Expected<Response> {
                         const Principal& p = *request.principal;
                         if (p.via != Principal::Via::ApiKey) {
                             return Error(ErrorCode::Forbidden, "this request was not made with an API key",
                                          "not_an_api_key");
                         }
                         OBSCURA_TRY(key, keys->find(p.userId, p.apiKeyId));
                         return jsonResponse(200, apiKeyJson(key));
                     });
}

Route deleteRoute(Keys keys) {
    return authRoute(Method::Delete, "/api/api-keys/{id}", AuthPolicy::User,
                     "Delete one of the caller's API keys; it stops working at once",
                     [keys](Request& request) -> Expected<Response> {
                         OBSCURA_TRY_STATUS(keys->remove(request.principal->userId, std::string(request.param("id"))));
                         return Response::noContent();
                     });
}

}  // namespace

std::vector<Route> apiKeyRoutes(RouteContext& ctx) {
    // Shared by the route handlers, which live as long as the router.
    auto keys = std::make_shared<ApiKeyService>(ctx.storage, ctx.clock);
    return {createRoute(keys), listRoute(keys), mineRoute(keys), deleteRoute(keys)};
}

}  // namespace obscura::auth

// /api/api-keys: long-lived credentials for scripts and apps (the Immich CLI), sent as x-api-key. The secret
// is shown once, at creation; only its hash is stored.
#include <nlohmann/json.hpp>

#include "account_rules.hpp"
#include "auth_routes.hpp"
#include "obscura/base/ids.hpp"
#include "obscura/kernel/json_body.hpp"
#include "obscura/kernel/log.hpp"
#include "obscura/kernel/storage_calls.hpp"
#include "obscura/storage/storage.hpp"
#include "secrets.hpp"
#include "user_json.hpp"

namespace obscura::auth {
namespace {

constexpr std::size_t kMaxApiKeysPerUser = 100;
constexpr std::string_view kDefaultKeyName = "API Key";

Route createRoute(RouteContext& ctx) {
    return Route{.method = Method::Post,
                 .pattern = "/api/api-keys",
                 .module = "auth",
                 .summary = "Create an API key ({name}); its secret is shown only now",
                 .body = BodyKind::Buffered,
                 .handler = [&ctx](Request& request) -> Expected<Response> {
                     OBSCURA_TRY_STATUS(requireSession(request));
                     OBSCURA_TRY(body, JsonBody::parse(request));
                     OBSCURA_TRY(name, body.optionalString("name"));
                     const std::string keyName = name.value_or(std::string(kDefaultKeyName));
                     OBSCURA_TRY_STATUS(checkApiKeyName(keyName));
                     const std::string secret = randomSecret();
                     storage::ApiKeyRecord key{newUuid(), request.principal->userId, keyName, hashSecret(secret),
                                               rfc3339(ctx.clock())};
                     OBSCURA_TRY_STATUS(ctx.storage.transaction([&](storage::Repositories& repos) -> Status {
                         OBSCURA_TRY(existing, repos.auth().listApiKeys(key.userId));
                         if (existing.size() >= kMaxApiKeysPerUser) {
                             return conflict("an account may have at most " + std::to_string(kMaxApiKeysPerUser) +
                                             " API keys; delete one first");
                         }
                         return repos.auth().createApiKey(key);
                     }));
                     log::info("auth: user " + key.userId + " created API key " + key.id);
                     Response response = jsonResponse(201, {{"secret", secret}, {"apiKey", apiKeyJson(key)}});
                     noStore(response);
                     return response;
                 }};
}

Route listRoute(RouteContext& ctx) {
    return Route{.method = Method::Get,
                 .pattern = "/api/api-keys",
                 .module = "auth",
                 .summary = "The caller's API keys (never their secrets)",
                 .handler = [&ctx](Request& request) -> Expected<Response> {
                     OBSCURA_TRY(keys, withRepos(ctx.storage, [&](storage::Repositories& repos) {
                                     return repos.auth().listApiKeys(request.principal->userId);
                                 }));
                     nlohmann::json body = nlohmann::json::array();
                     for (const auto& k : keys) body.push_back(apiKeyJson(k));
                     return jsonResponse(200, body);
                 }};
}

Route mineRoute(RouteContext& ctx) {
    return Route{.method = Method::Get,
                 .pattern = "/api/api-keys/me",
                 .module = "auth",
                 .summary = "The API key this request was made with (Immich)",
                 .handler = [&ctx](Request& request) -> Expected<Response> {
                     const Principal& p = *request.principal;
                     if (p.via != Principal::Via::ApiKey) {
                         return Error(ErrorCode::Forbidden, "this request was not made with an API key",
                                      "not_an_api_key");
                     }
                     OBSCURA_TRY(key, withRepos(ctx.storage, [&](storage::Repositories& repos) {
                                     return repos.auth().findApiKey(p.userId, p.apiKeyId);
                                 }));
                     if (!key) return notFound("no such API key");
                     return jsonResponse(200, apiKeyJson(*key));
                 }};
}

Route deleteRoute(RouteContext& ctx) {
    return Route{.method = Method::Delete,
                 .pattern = "/api/api-keys/{id}",
                 .module = "auth",
                 .summary = "Delete one of the caller's API keys; it stops working at once",
                 .handler = [&ctx](Request& request) -> Expected<Response> {
                     const std::string id(request.param("id"));
                     // Someone else's key is as absent as a key that never existed.
                     if (!isUuid(id)) return notFound("no such API key");
                     OBSCURA_TRY(deleted, withRepos(ctx.storage, [&](storage::Repositories& repos) {
                                     return repos.auth().deleteApiKey(request.principal->userId, id);
                                 }));
                     if (!deleted) return notFound("no such API key");
                     return Response::noContent();
                 }};
}

}  // namespace

std::vector<Route> apiKeyRoutes(RouteContext& ctx) {
    return {createRoute(ctx), listRoute(ctx), mineRoute(ctx), deleteRoute(ctx)};
}

}  // namespace obscura::auth

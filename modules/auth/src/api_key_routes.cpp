// /api/api-keys: long-lived credentials for scripts and apps (the Immich CLI), sent as x-api-key. The secret
// is shown once, at creation; only its hash is stored.
#include <nlohmann/json.hpp>

#include "account_rules.hpp"
#include "auth_routes.hpp"
#include "json_body.hpp"
#include "obscura/base/ids.hpp"
#include "obscura/base/rfc3339.hpp"
#include "obscura/kernel/log.hpp"
#include "obscura/storage/storage.hpp"
#include "secrets.hpp"
#include "user_json.hpp"

namespace obscura::auth {
namespace {

constexpr std::size_t kMaxApiKeysPerUser = 100;
constexpr std::string_view kDefaultKeyName = "API Key";

Route createRoute(RouteContext& ctx) {
    return authRoute(
        Method::Post, "/api/api-keys", AuthPolicy::User, "Create an API key ({name}); its secret is shown only now",
        [&ctx](Request& request) -> Expected<Response> {
            OBSCURA_TRY_STATUS(requireSession(request));
            OBSCURA_TRY(body, JsonBody::parse(request));
            OBSCURA_TRY(name, body.optionalString("name"));
            const std::string keyName = name.value_or(std::string(kDefaultKeyName));
            OBSCURA_TRY_STATUS(checkApiKeyName(keyName));
            const std::string secret = randomSecret();
            storage::ApiKeyRecord key{newUuid(), request.principal->userId, keyName, hashSecret(secret),
                                      formatRfc3339(ctx.clock.nowUs())};
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
        },
        BodyKind::Buffered);
}

Route listRoute(RouteContext& ctx) {
    return authRoute(Method::Get, "/api/api-keys", AuthPolicy::User, "The caller's API keys (never their secrets)",
                     [&ctx](Request& request) -> Expected<Response> {
                         std::vector<storage::ApiKeyRecord> keys;
                         OBSCURA_TRY_STATUS(ctx.storage.run([&](storage::Repositories& repos) -> Status {
                             OBSCURA_TRY(k, repos.auth().listApiKeys(request.principal->userId));
                             keys = std::move(k);
                             return {};
                         }));
                         nlohmann::json body = nlohmann::json::array();
                         for (const auto& k : keys) body.push_back(apiKeyJson(k));
                         return jsonResponse(200, body);
                     });
}

Route mineRoute(RouteContext& ctx) {
    return authRoute(Method::Get, "/api/api-keys/me", AuthPolicy::User,
                     "The API key this request was made with (Immich)", [&ctx](Request& request) -> Expected<Response> {
                         const Principal& p = *request.principal;
                         if (p.via != Principal::Via::ApiKey) {
                             return Error(ErrorCode::Forbidden, "this request was not made with an API key",
                                          "not_an_api_key");
                         }
                         std::optional<storage::ApiKeyRecord> key;
                         OBSCURA_TRY_STATUS(ctx.storage.run([&](storage::Repositories& repos) -> Status {
                             OBSCURA_TRY(k, repos.auth().findApiKey(p.userId, p.apiKeyId));
                             key = std::move(k);
                             return {};
                         }));
                         if (!key) return notFound("no such API key");
                         return jsonResponse(200, apiKeyJson(*key));
                     });
}

Route deleteRoute(RouteContext& ctx) {
    return authRoute(Method::Delete, "/api/api-keys/{id}", AuthPolicy::User,
                     "Delete one of the caller's API keys; it stops working at once",
                     [&ctx](Request& request) -> Expected<Response> {
                         const std::string id(request.param("id"));
                         bool deleted = false;
                         if (isUuid(id)) {
                             OBSCURA_TRY_STATUS(ctx.storage.run([&](storage::Repositories& repos) -> Status {
                                 OBSCURA_TRY(d, repos.auth().deleteApiKey(request.principal->userId, id));
                                 deleted = d;
                                 return {};
                             }));
                         }
                         // Someone else's key is as absent as a key that never existed.
                         if (!deleted) return notFound("no such API key");
                         return Response::noContent();
                     });
}

}  // namespace

std::vector<Route> apiKeyRoutes(RouteContext& ctx) {
    return {createRoute(ctx), listRoute(ctx), mineRoute(ctx), deleteRoute(ctx)};
}

}  // namespace obscura::auth

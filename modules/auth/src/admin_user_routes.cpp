// /api/admin/users: what admins do to accounts. The HTTP layer answers 403 to everyone else.
#include <charconv>
#include <nlohmann/json.hpp>

#include "account_rules.hpp"
#include "account_service.hpp"
#include "auth_routes.hpp"
#include "obscura/base/ids.hpp"
#include "obscura/kernel/json_body.hpp"
#include "user_json.hpp"

namespace obscura::auth {
namespace {

constexpr int kDefaultListLimit = 500;
constexpr int kMaxListLimit = 500;

Expected<nlohmann::json> adminUserJson(RouteContext& ctx, const storage::UserRecord& user) {
    OBSCURA_TRY(usage, usageOf(ctx.services, user.id));
    nlohmann::json body = userJson(user, &ctx.services);
    body["usage"] = usageJson(usage);
    return body;
}

Expected<int> listLimit(const Request& request) {
    auto text = request.queryParam("limit");
    if (!text) return kDefaultListLimit;
    int limit = 0;
    const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), limit);
    if (ec != std::errc{} || end != text->data() + text->size() || limit < 1 || limit > kMaxListLimit) {
        return badRequest("limit must be a whole number from 1 to " + std::to_string(kMaxListLimit));
    }
    return limit;
}

// 404 for anything that is not a UUID: it cannot name a user.
Expected<std::string> userIdParam(const Request& request) {
    std::string id(request.param("id"));
    if (!isUuid(id)) return notFound("no such user");
    return id;
}

Route listRoute(RouteContext& ctx) {
    return Route{.method = Method::Get,
                 .pattern = "/api/admin/users",
                 .auth = AuthPolicy::Admin,
                 .module = "auth",
                 .summary = "Every account with its usage, by username (?limit=1..500, ?after=<username>)",
                 .handler = [&ctx](Request& request) -> Expected<Response> {
                     OBSCURA_TRY(limit, listLimit(request));
                     const std::string after = usernameKey(request.queryParam("after").value_or(""));
                     OBSCURA_TRY(users, ctx.accounts.list(limit, after));
                     nlohmann::json body = nlohmann::json::array();
                     for (const auto& u : users) {
                         OBSCURA_TRY(entry, adminUserJson(ctx, u));
                         body.push_back(std::move(entry));
                     }
                     return jsonResponse(200, body);
                 }};
}

Route createRoute(RouteContext& ctx) {
    return Route{.method = Method::Post,
                 .pattern = "/api/admin/users",
                 .auth = AuthPolicy::Admin,
                 .module = "auth",
                 .summary = "Create an account ({username, password, email?, displayName?, isAdmin?, quotaBytes?})",
                 .body = BodyKind::Buffered,
                 .handler = [&ctx](Request& request) -> Expected<Response> {
                     OBSCURA_TRY(body, JsonBody::parse(request));
                     OBSCURA_TRY(username, body.requiredString("username"));
                     OBSCURA_TRY(password, body.requiredString("password"));
                     OBSCURA_TRY(email, body.optionalString("email"));
                     OBSCURA_TRY(displayName, body.optionalString("displayName"));
                     OBSCURA_TRY(isAdmin, body.optionalBool("isAdmin"));
                     OBSCURA_TRY(quota, body.optionalNullableCount("quotaBytes"));
                     NewUser user{std::move(username),      std::move(password),     email.value_or(""),
                                  displayName.value_or(""), isAdmin.value_or(false), quota ? *quota : std::nullopt};
                     OBSCURA_TRY(created, ctx.accounts.createUser(user));
                     OBSCURA_TRY(json, adminUserJson(ctx, created));
                     return jsonResponse(201, json);
                 }};
}

Route getRoute(RouteContext& ctx) {
    return Route{.method = Method::Get,
                 .pattern = "/api/admin/users/{id}",
                 .auth = AuthPolicy::Admin,
                 .module = "auth",
                 .summary = "One account with its usage",
                 .handler = [&ctx](Request& request) -> Expected<Response> {
                     OBSCURA_TRY(id, userIdParam(request));
                     OBSCURA_TRY(user, ctx.accounts.find(id));
                     OBSCURA_TRY(json, adminUserJson(ctx, user));
                     return jsonResponse(200, json);
                 }};
}

Route patchRoute(RouteContext& ctx) {
    return Route{
        .method = Method::Patch,
        .pattern = "/api/admin/users/{id}",
        .auth = AuthPolicy::Admin,
        .module = "auth",
        .summary =
            "Change quotaBytes, isAdmin, disabled, displayName, email, bio or password; the last admin stays one",
        .body = BodyKind::Buffered,
        .handler = [&ctx](Request& request) -> Expected<Response> {
            OBSCURA_TRY(id, userIdParam(request));
            OBSCURA_TRY(existing, ctx.accounts.find(id));  // 404 before any complaint about the body
            (void)existing;
            OBSCURA_TRY(body, JsonBody::parse(request));
            AdminChanges changes;
            OBSCURA_TRY(profile, readProfileChanges(body));
            OBSCURA_TRY(isAdmin, body.optionalBool("isAdmin"));
            OBSCURA_TRY(disabled, body.optionalBool("disabled"));
            OBSCURA_TRY(quota, body.optionalNullableCount("quotaBytes"));
            OBSCURA_TRY(password, body.optionalString("password"));
            changes.profile = std::move(profile);
            changes.isAdmin = isAdmin;
            changes.disabled = disabled;
            changes.quotaBytes = quota;
            changes.password = std::move(password);
            OBSCURA_TRY(user, ctx.accounts.adminUpdate(id, changes));
            OBSCURA_TRY(json, adminUserJson(ctx, user));
            return jsonResponse(200, json);
        }};
}

Route deleteRoute(RouteContext& ctx) {
    return Route{.method = Method::Delete,
                 .pattern = "/api/admin/users/{id}",
                 .auth = AuthPolicy::Admin,
                 .module = "auth",
                 .summary = "Delete an account and everything in it (publishes user.deleted); not the last admin",
                 .handler = [&ctx](Request& request) -> Expected<Response> {
                     OBSCURA_TRY(id, userIdParam(request));
                     OBSCURA_TRY_STATUS(ctx.accounts.adminDelete(id));
                     return Response::noContent();
                 }};
}

}  // namespace

std::vector<Route> adminUserRoutes(RouteContext& ctx) {
    return {listRoute(ctx), createRoute(ctx), getRoute(ctx), patchRoute(ctx), deleteRoute(ctx)};
}

}  // namespace obscura::auth

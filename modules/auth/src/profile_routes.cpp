// /api/users/me: the caller's own account; /api/users: the people a signed-in user may share with.
#include <nlohmann/json.hpp>

#include "account_service.hpp"
#include "auth_routes.hpp"
#include "obscura/kernel/json_body.hpp"
#include "user_json.hpp"

namespace obscura::auth {

Expected<ProfileChanges> readProfileChanges(const JsonBody& body) {
    ProfileChanges changes;
    OBSCURA_TRY(displayName, body.optionalString("displayName"));
    OBSCURA_TRY(email, body.optionalString("email"));
    OBSCURA_TRY(bio, body.optionalString("bio"));
    changes.displayName = std::move(displayName);
    changes.email = std::move(email);
    changes.bio = std::move(bio);
    return changes;
}

std::vector<Route> profileRoutes(RouteContext& ctx) {
    std::vector<Route> routes;
    routes.push_back(Route{.method = Method::Get,
                           .pattern = "/api/users/me",
                           .module = "auth",
                           .summary = "The caller's account",
                           .handler = [&ctx](Request& request) -> Expected<Response> {
                               OBSCURA_TRY(user, ctx.accounts.find(request.principal->userId));
                               return jsonResponse(200, userJson(user, &ctx.services));
                           }});
    routes.push_back(Route{.method = Method::Patch,
                           .pattern = "/api/users/me",
                           .module = "auth",
                           .summary = "Change the caller's displayName, email or bio",
                           .body = BodyKind::Buffered,
                           .handler = [&ctx](Request& request) -> Expected<Response> {
                               OBSCURA_TRY(body, JsonBody::parse(request));
                               OBSCURA_TRY(changes, readProfileChanges(body));
                               OBSCURA_TRY(user, ctx.accounts.updateProfile(request.principal->userId, changes));
                               return jsonResponse(200, userJson(user, &ctx.services));
                           }});
    routes.push_back(Route{
        .method = Method::Delete,
        .pattern = "/api/users/me",
        .module = "auth",
        .summary = "Delete the caller's account and everything in it; needs {password} (publishes user.deleted)",
        .body = BodyKind::Buffered,
        .handler = [&ctx](Request& request) -> Expected<Response> {
            OBSCURA_TRY_STATUS(requireSession(request));
            OBSCURA_TRY(body, JsonBody::parse(request));
            OBSCURA_TRY(password, body.requiredString("password"));
            OBSCURA_TRY_STATUS(ctx.accounts.deleteOwnAccount(request.principal->userId, password, request.clientIp));
            return Response::noContent();
        }});
    routes.push_back(Route{
        .method = Method::Put,
        .pattern = "/api/users/me/password",
        .module = "auth",
        .summary = "Change the caller's password ({currentPassword, newPassword}); every session of the account ends",
        .body = BodyKind::Buffered,
        .handler = [&ctx](Request& request) -> Expected<Response> {
            OBSCURA_TRY_STATUS(requireSession(request));
            OBSCURA_TRY(body, JsonBody::parse(request));
            OBSCURA_TRY(current, body.requiredString("currentPassword"));
            OBSCURA_TRY(next, body.requiredString("newPassword"));
            OBSCURA_TRY_STATUS(ctx.accounts.changePassword(request.principal->userId, current, next, request.clientIp));
            return Response::noContent();
        }});
    routes.push_back(Route{.method = Method::Get,
                           .pattern = "/api/users/me/usage",
                           .module = "auth",
                           .summary = "What the caller stores and downloads, and their quota",
                           .handler = [&ctx](Request& request) -> Expected<Response> {
                               OBSCURA_TRY(user, ctx.accounts.find(request.principal->userId));
                               OBSCURA_TRY(usage, usageOf(ctx.services, user.id));
                               nlohmann::json body = usageJson(usage);
                               body["quotaBytes"] =
                                   user.quotaBytes ? nlohmann::json(*user.quotaBytes) : nlohmann::json(nullptr);
                               return jsonResponse(200, body);
                           }});
    routes.push_back(
        Route{.method = Method::Get,
              .pattern = "/api/users",
              .module = "auth",
              .summary = "Every active account as {id, username, displayName, avatarUrl}, by username (Immich; the "
                         "sharing pickers)",
              .handler = [&ctx](Request&) -> Expected<Response> {
                  // A family server has tens of accounts: read them all in pages of the admin listing's largest size.
                  constexpr int kPage = 500;
                  nlohmann::json body = nlohmann::json::array();
                  std::string after;
                  for (;;) {
                      OBSCURA_TRY(users, ctx.accounts.list(kPage, after));
                      for (const auto& u : users)
                          if (!u.disabled) body.push_back(userSummaryJson(u, &ctx.services));
                      if (users.size() < static_cast<std::size_t>(kPage)) break;
                      after = users.back().usernameKey;
                  }
                  return jsonResponse(200, body);
              }});
    return routes;
}

}  // namespace obscura::auth

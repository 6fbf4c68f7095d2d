// /api/auth/mfa…: the caller's two-factor sign-in (status, setup, enable, disable) and an admin's reset of
// someone's. The second step of a sign-in (POST /api/auth/mfa/verify) issues sessions: session_routes.cpp.
#include <nlohmann/json.hpp>

#include "account_service.hpp"
#include "auth_routes.hpp"
#include "mfa_service.hpp"
#include "obscura/base/ids.hpp"
#include "obscura/kernel/json_body.hpp"

namespace obscura::auth {

std::vector<Route> mfaRoutes(RouteContext& ctx) {
    std::vector<Route> routes;
    routes.push_back(Route{
        .method = Method::Get,
        .pattern = "/api/auth/mfa",
        .module = "auth",
        .summary = "The caller's two-factor sign-in: {enabled, pending, recoveryCodesLeft}",
        .handler = [&ctx](Request& request) -> Expected<Response> {
            OBSCURA_TRY(s, ctx.mfa.status(request.principal->userId));
            return jsonResponse(
                200, {{"enabled", s.enabled}, {"pending", s.pending}, {"recoveryCodesLeft", s.recoveryCodesLeft}});
        }});
    routes.push_back(
        Route{.method = Method::Post,
              .pattern = "/api/auth/mfa/setup",
              .module = "auth",
              .summary = "Start two-factor sign-in: a new TOTP secret {secret, otpauthUrl}, pending until enabled",
              .body = BodyKind::Buffered,
              .handler = [&ctx](Request& request) -> Expected<Response> {
                  OBSCURA_TRY_STATUS(requireSession(request));
                  OBSCURA_TRY(user, ctx.accounts.find(request.principal->userId));
                  OBSCURA_TRY(setup, ctx.mfa.setup(user));
                  Response response = jsonResponse(200, {{"secret", setup.secret}, {"otpauthUrl", setup.otpauthUrl}});
                  noStore(response);
                  return response;
              }});
    routes.push_back(
        Route{.method = Method::Post,
              .pattern = "/api/auth/mfa/enable",
              .module = "auth",
              .summary = "Turn two-factor sign-in on with a first {code}; answers the 10 recovery codes, shown once",
              .body = BodyKind::Buffered,
              .handler = [&ctx](Request& request) -> Expected<Response> {
                  OBSCURA_TRY_STATUS(requireSession(request));
                  OBSCURA_TRY(body, JsonBody::parse(request));
                  OBSCURA_TRY(code, body.requiredString("code"));
                  OBSCURA_TRY(user, ctx.accounts.find(request.principal->userId));
                  OBSCURA_TRY(codes, ctx.mfa.enable(user, code, request.clientIp));
                  Response response = jsonResponse(200, {{"recoveryCodes", codes}});
                  noStore(response);
                  return response;
              }});
    routes.push_back(Route{.method = Method::Delete,
                           .pattern = "/api/auth/mfa",
                           .module = "auth",
                           .summary = "Turn two-factor sign-in off; needs {password, code}",
                           .body = BodyKind::Buffered,
                           .handler = [&ctx](Request& request) -> Expected<Response> {
                               OBSCURA_TRY_STATUS(requireSession(request));
                               OBSCURA_TRY(body, JsonBody::parse(request));
                               OBSCURA_TRY(password, body.requiredString("password"));
                               OBSCURA_TRY(code, body.requiredString("code"));
                               OBSCURA_TRY(user, ctx.accounts.find(request.principal->userId));
                               OBSCURA_TRY_STATUS(ctx.mfa.disable(user, password, code, request.clientIp));
                               return Response::noContent();
                           }});
    routes.push_back(
        Route{.method = Method::Delete,
              .pattern = "/api/admin/users/{id}/mfa",
              .auth = AuthPolicy::Admin,
              .module = "auth",
              .summary = "Turn a user's two-factor sign-in off (a lost device); they sign in with a password",
              .handler = [&ctx](Request& request) -> Expected<Response> {
                  std::string id(request.param("id"));
                  if (!isUuid(id)) return notFound("no such user");
                  OBSCURA_TRY_STATUS(ctx.mfa.adminReset(id));
                  return Response::noContent();
              }});
    return routes;
}

}  // namespace obscura::auth

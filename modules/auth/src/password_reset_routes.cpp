// /api/auth/password-reset…: asking for a reset link by e-mail, and setting a new password with it.
#include "auth_routes.hpp"
#include "obscura/kernel/json_body.hpp"
#include "password_reset_service.hpp"

namespace obscura::auth {
namespace {

// Where the mailed link points: server.publicUrl, or else the origin this request came to. Set server.publicUrl
// in production: without it the link follows the request's Host header, which a client chooses.
std::string linkBase(const RouteContext& ctx, const Request& request) {
    std::string base = ctx.settings.publicUrl;
    if (base.empty()) {
        base = std::string(request.secure ? "https://" : "http://") +
               std::string(request.headers.get("Host").value_or("localhost"));
    }
    while (!base.empty() && base.back() == '/') base.pop_back();
    return base;
}

}  // namespace

std::vector<Route> passwordResetRoutes(RouteContext& ctx) {
    std::vector<Route> routes;
    routes.push_back(
        Route{.method = Method::Post,
              .pattern = "/api/auth/password-reset",
              .auth = AuthPolicy::Anonymous,
              .module = "auth",
              .summary = "Mail a password-reset link to {email}'s accounts; 204 whether or not the address is known",
              .body = BodyKind::Buffered,
              .handler = [&ctx](Request& request) -> Expected<Response> {
                  OBSCURA_TRY(body, JsonBody::parse(request));
                  OBSCURA_TRY(email, body.requiredString("email"));
                  OBSCURA_TRY_STATUS(ctx.resets.request(email, request.clientIp, linkBase(ctx, request)));
                  return Response::noContent();
              }});
    routes.push_back(
        Route{.method = Method::Post,
              .pattern = "/api/auth/password-reset/confirm",
              .auth = AuthPolicy::Anonymous,
              .module = "auth",
              .summary = "Set a new password with a mailed {token, newPassword}; every session of the account ends",
              .body = BodyKind::Buffered,
              .handler = [&ctx](Request& request) -> Expected<Response> {
                  OBSCURA_TRY(body, JsonBody::parse(request));
                  OBSCURA_TRY(token, body.requiredString("token"));
                  OBSCURA_TRY(newPassword, body.requiredString("newPassword"));
                  OBSCURA_TRY_STATUS(ctx.resets.confirm(token, newPassword));
                  return Response::noContent();
              }});
    return routes;
}

}  // namespace obscura::auth

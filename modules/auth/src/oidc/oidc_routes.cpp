// GET /api/oauth/authorize and /api/oauth/callback: the browser's way through the OpenID provider
// (oidc_service.hpp). Both are public; both answer 404 while auth.oidc.issuer is empty.
#include "oidc/oidc_routes.hpp"

#include "auth_routes.hpp"
#include "browser_session.hpp"
#include "oidc/oidc_service.hpp"

namespace obscura::auth {
namespace {

constexpr std::string_view kStateCookie = "obscura_oidc_state";
constexpr std::string_view kCallbackPath = "/api/oauth/callback";

// SameSite=Lax, not Strict: the provider's redirect back to the callback is a cross-site navigation, which a
// Strict cookie would not accompany. Lax still keeps it out of cross-site subrequests and POSTs.
std::string stateCookie(std::string_view value, std::int64_t maxAge, bool secure) {
    std::string c(kStateCookie);
    c.append("=").append(value).append("; Path=/api/oauth; Max-Age=").append(std::to_string(maxAge));
    c.append("; HttpOnly; SameSite=Lax");
    if (secure) c.append("; Secure");
    return c;
}

// The provider sends the browser back here. With server.publicUrl that is where; otherwise the address the
// browser used (the provider only redirects to URIs registered with it, so a forged Host gains nothing).
std::string redirectUri(const RouteContext& ctx, const Request& request) {
    std::string base = ctx.settings.publicUrl;
    if (base.empty())
        base = std::string(request.secure ? "https://" : "http://") +
               std::string(request.headers.get("Host").value_or("localhost"));
    while (!base.empty() && base.back() == '/') base.pop_back();
    return base + std::string(kCallbackPath);
}

Status requireOidc(const RouteContext& ctx) {
    if (!ctx.settings.oidc.enabled()) return notFound("OIDC sign-in is not configured on this server");
    return {};
}

std::optional<std::string> queryString(const Request& request, std::string_view name) {
    auto v = request.queryParam(name);
    if (!v) return std::nullopt;
    return std::string(*v);
}

Response redirect(std::string location) {
    Response response;
    response.status = 302;
    response.headers.set("Location", std::move(location));
    noStore(response);
    return response;
}

Route authorizeRoute(RouteContext& ctx, OidcService& oidc) {
    return Route{.method = Method::Get,
                 .pattern = "/api/oauth/authorize",
                 .auth = AuthPolicy::Anonymous,
                 .module = "auth",
                 .summary = "Start an OIDC sign-in: 302 to the OpenID provider (state, nonce, PKCE S256)",
                 .handler = [&ctx, &oidc](Request& request) -> Expected<Response> {
                     OBSCURA_TRY_STATUS(requireOidc(ctx));
                     OBSCURA_TRY(start, oidc.begin(redirectUri(ctx, request)));
                     Response response = redirect(std::move(start.providerUrl));
                     response.headers.add("Set-Cookie", stateCookie(start.state, OidcService::kPendingUs / 1'000'000,
                                                                    secureCookies(request, ctx.settings.publicUrl)));
                     return response;
                 }};
}

Route callbackRoute(RouteContext& ctx, OidcService& oidc) {
    return Route{.method = Method::Get,
                 .pattern = std::string(kCallbackPath),
                 .auth = AuthPolicy::Anonymous,
                 .module = "auth",
                 .summary =
                     "The OpenID provider's redirect back: checks state, exchanges the code, verifies the id_token, "
                     "sets the browser session and 302s to /",
                 .handler = [&ctx, &oidc](Request& request) -> Expected<Response> {
                     OBSCURA_TRY_STATUS(requireOidc(ctx));
                     OidcCallback callback{queryString(request, "code"), queryString(request, "state"),
                                           queryString(request, "error"), request.cookie(kStateCookie),
                                           queryString(request, "iss")};
                     OBSCURA_TRY(session, oidc.finish(callback, redirectUri(ctx, request)));
                     const bool secure = secureCookies(request, ctx.settings.publicUrl);
                     Response response = redirect("/");
                     for (auto& c : sessionCookies(session.accessToken, session.expiresIn, session.refreshToken,
                                                   ctx.settings.refreshTokenLifetime.count(), secure)) {
                         response.headers.add("Set-Cookie", std::move(c));
                     }
                     response.headers.add("Set-Cookie", stateCookie("", 0, secure));
                     return response;
                 }};
}

}  // namespace

std::vector<Route> oidcRoutes(RouteContext& ctx, OidcService& oidc) {
    return {authorizeRoute(ctx, oidc), callbackRoute(ctx, oidc)};
}

}  // namespace obscura::auth

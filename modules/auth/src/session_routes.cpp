// POST /api/auth/register, /login, /refresh, /logout.
#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>
#include <optional>

#include "account_service.hpp"
#include "auth_routes.hpp"
#include "browser_session.hpp"
#include "mfa_service.hpp"
#include "obscura/kernel/json_body.hpp"
#include "secrets.hpp"
#include "session_service.hpp"
#include "user_json.hpp"

namespace obscura::auth {
namespace {

struct Credentials {
    std::string username;
    std::string password;
};

// `curl -u user:pass`: Authorization: Basic base64(user:pass). nullopt when the request has no Basic header.
Expected<std::optional<Credentials>> basicCredentials(const Request& request) {
    auto header = request.headers.get("Authorization");
    if (!header) return std::optional<Credentials>();
    std::string_view value = *header;
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    if (value.size() < 6 || !std::equal(value.begin(), value.begin() + 6, "basic ", [](char a, char b) {
            return std::tolower(static_cast<unsigned char>(a)) == b;
        })) {
        return std::optional<Credentials>();
    }
    value.remove_prefix(6);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
    auto decoded = decodeBase64(value);
    if (!decoded) return badRequest("the Basic authorization header is not valid base64");
    const auto colon = decoded->find(':');
    if (colon == std::string::npos) return badRequest("the Basic authorization header has no ':' after the username");
    return std::optional(Credentials{decoded->substr(0, colon), decoded->substr(colon + 1)});
}

Response sessionResponse(const RouteContext& ctx, const Request& request, const IssuedSession& session,
                         bool setCookies) {
    nlohmann::json body = {{"accessToken", session.accessToken},
                           {"refreshToken", session.refreshToken},
                           {"expiresIn", session.expiresIn},
                           {"user", userJson(session.user, &ctx.services)}};
    Response response = jsonResponse(200, body);
    noStore(response);
    if (setCookies) {
        for (auto& c : sessionCookies(session.accessToken, session.expiresIn, session.refreshToken,
                                      ctx.settings.refreshTokenLifetime.count(),
                                      secureCookies(request, ctx.settings.publicUrl))) {
            response.headers.add("Set-Cookie", std::move(c));
        }
    }
    return response;
}

// The refresh token from the body, or else from the browser's cookie (then only from our own origin); nullopt
// when there is neither.
struct PresentedToken {
    std::string token;
    bool fromCookie = false;
};

Expected<std::optional<PresentedToken>> presentedRefreshToken(const RouteContext& ctx, const Request& request,
                                                              const JsonBody& body) {
    OBSCURA_TRY(fromBody, body.optionalString("refreshToken"));
    if (fromBody) return std::optional(PresentedToken{std::move(*fromBody), false});
    if (auto cookie = request.cookie(kRefreshCookie); cookie && !cookie->empty()) {
        OBSCURA_TRY_STATUS(checkSameOrigin(request, ctx.settings.publicUrl));
        return std::optional(PresentedToken{std::move(*cookie), true});
    }
    return std::optional<PresentedToken>();
}

Route registerRoute(RouteContext& ctx) {
    return Route{.method = Method::Post,
                 .pattern = "/api/auth/register",
                 .auth = AuthPolicy::Anonymous,
                 .module = "auth",
                 .summary = "Create an account (the first one becomes admin; later ones while registration is open)",
                 .body = BodyKind::Buffered,
                 .handler = [&ctx](Request& request) -> Expected<Response> {
                     OBSCURA_TRY_STATUS(ctx.accounts.checkRegistrationOpen());
                     OBSCURA_TRY(body, JsonBody::parse(request));
                     NewUser user;
                     OBSCURA_TRY(username, body.requiredString("username"));
                     OBSCURA_TRY(password, body.requiredString("password"));
                     OBSCURA_TRY(email, body.optionalString("email"));
                     OBSCURA_TRY(displayName, body.optionalString("displayName"));
                     user.username = std::move(username);
                     user.password = std::move(password);
                     user.email = email.value_or("");
                     user.displayName = displayName.value_or("");
                     OBSCURA_TRY(created, ctx.accounts.registerUser(user));
                     return jsonResponse(201, userJson(created, &ctx.services));
                 }};
}

Route loginRoute(RouteContext& ctx) {
    return Route{
        .method = Method::Post,
        .pattern = "/api/auth/login",
        .auth = AuthPolicy::Anonymous,
        .module = "auth",
        .summary =
            "Sign in with {username, password} or Authorization: Basic; answers tokens (cookies too with cookie:true)",
        .body = BodyKind::Buffered,
        .handler = [&ctx](Request& request) -> Expected<Response> {
            OBSCURA_TRY(body, JsonBody::parse(request));
            OBSCURA_TRY(cookie, body.optionalBool("cookie"));
            OBSCURA_TRY(basic, basicCredentials(request));
            Credentials credentials;
            if (basic) {
                credentials = std::move(*basic);
            } else {
                OBSCURA_TRY(username, body.requiredString("username"));
                OBSCURA_TRY(password, body.requiredString("password"));
                credentials = {std::move(username), std::move(password)};
            }
            OBSCURA_TRY(user, ctx.sessions.checkPassword(credentials.username, credentials.password, request.clientIp));
            OBSCURA_TRY(mfaOn, ctx.mfa.required(user.id));
            if (mfaOn) {
                // The second step: POST /api/auth/mfa/verify with this token and a code issues the tokens.
                OBSCURA_TRY(token, ctx.mfa.challenge(user.id));
                Response response = jsonResponse(
                    200,
                    {{"mfaRequired", true}, {"mfaToken", token}, {"expiresIn", ctx.mfa.challengeLifetime().count()}});
                noStore(response);
                return response;
            }
            OBSCURA_TRY(session, ctx.sessions.start(std::move(user)));
            return sessionResponse(ctx, request, session, cookie.value_or(false));
        }};
}

Route mfaVerifyRoute(RouteContext& ctx) {
    return Route{.method = Method::Post,
                 .pattern = "/api/auth/mfa/verify",
                 .auth = AuthPolicy::Anonymous,
                 .module = "auth",
                 .summary =
                     "The second step of a sign-in: {mfaToken, code | recoveryCode} answers the tokens (cookies too "
                     "with cookie:true)",
                 .body = BodyKind::Buffered,
                 .handler = [&ctx](Request& request) -> Expected<Response> {
                     OBSCURA_TRY(body, JsonBody::parse(request));
                     OBSCURA_TRY(cookie, body.optionalBool("cookie"));
                     OBSCURA_TRY(token, body.requiredString("mfaToken"));
                     OBSCURA_TRY(code, body.optionalString("code"));
                     OBSCURA_TRY(recoveryCode, body.optionalString("recoveryCode"));
                     OBSCURA_TRY(user, ctx.mfa.verify(token, code, recoveryCode, request.clientIp));
                     OBSCURA_TRY(session, ctx.sessions.start(std::move(user)));
                     return sessionResponse(ctx, request, session, cookie.value_or(false));
                 }};
}

Route refreshRoute(RouteContext& ctx) {
    return Route{
        .method = Method::Post,
        .pattern = "/api/auth/refresh",
        .auth = AuthPolicy::Anonymous,
        .module = "auth",
        .summary =
            "Trade a refresh token for new tokens; the old one dies, and presenting a dead one revokes its family",
        .body = BodyKind::Buffered,
        .handler = [&ctx](Request& request) -> Expected<Response> {
            OBSCURA_TRY(body, JsonBody::parse(request));
            OBSCURA_TRY(presented, presentedRefreshToken(ctx, request, body));
            // No token at all is a caller who is not signed in (a browser whose cookie is gone), not a bad body.
            if (!presented) {
                return Error(ErrorCode::Unauthenticated,
                             "no refresh token (neither refreshToken in the body nor the session cookie): sign in");
            }
            OBSCURA_TRY(session, ctx.sessions.refresh(presented->token));
            return sessionResponse(ctx, request, session, presented->fromCookie);
        }};
}

Route logoutRoute(RouteContext& ctx) {
    return Route{
        .method = Method::Post,
        .pattern = "/api/auth/logout",
        .auth = AuthPolicy::Anonymous,
        .module = "auth",
        .summary = "Sign out: revokes the refresh token's family (and clears the browser's cookies)",
        .body = BodyKind::Buffered,
        .handler = [&ctx](Request& request) -> Expected<Response> {
            OBSCURA_TRY(body, JsonBody::parse(request));
            OBSCURA_TRY(presented, presentedRefreshToken(ctx, request, body));
            if (!presented) return badRequest("refreshToken is required");
            OBSCURA_TRY_STATUS(ctx.sessions.logout(presented->token));
            Response response = Response::noContent();
            if (request.cookie(kAccessCookie) || request.cookie(kRefreshCookie) || request.cookie(kSignedInCookie)) {
                for (auto& c : clearedSessionCookies(secureCookies(request, ctx.settings.publicUrl)))
                    response.headers.add("Set-Cookie", std::move(c));
            }
            return response;
        }};
}

}  // namespace

std::vector<Route> sessionRoutes(RouteContext& ctx) {
    return {registerRoute(ctx), loginRoute(ctx), mfaVerifyRoute(ctx), refreshRoute(ctx), logoutRoute(ctx)};
}

}  // namespace obscura::auth

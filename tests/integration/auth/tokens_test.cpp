#include <doctest/doctest.h>

#include "api_session.hpp"
#include "app_fixture.hpp"
#include "jwt_forge.hpp"

using namespace obscura;
using namespace obscura::test;
using nlohmann::json;

namespace {

const std::string kHeader = R"({"alg":"HS256","typ":"JWT"})";

void checkRefused(HttpClient& http, const std::string& token, const std::string& what) {
    auto r = http.get("/api/users/me", bearer(token));
    INFO(what);
    CHECK(r.status == 401);
    CHECK(r.hasHeader("WWW-Authenticate"));
    CHECK(errorCode(r) == "unauthenticated");
    CHECK(r.body.find(token) == std::string::npos);
}

struct Signed {
    AppFixture fx{fastAuth()};
    HttpClient http{fx.port()};
    std::string secret = fx.app().config().getString("auth.jwtSecret");
    std::string userId;
    Signed() { userId = registerUser(http, "alice")["id"]; }
};

}  // namespace

TEST_SUITE("auth.tokens") {
    TEST_CASE("a well-formed token made with the server's secret is accepted (the forge is right)") {
        Signed s;
        auto token = forgeJwt(kHeader, validClaimsJson(s.userId, nowSeconds()), s.secret, Signature::HS256);
        CHECK(s.http.get("/api/users/me", bearer(token)).status == 200);
    }

    TEST_CASE("tampered, foreign, alg none, HS384, HS512 and RS256 tokens are 401 with WWW-Authenticate") {
        Signed s;
        const auto claims = validClaimsJson(s.userId, nowSeconds());
        auto good = login(s.http, "alice").access;
        auto tampered = good;
        tampered[tampered.size() - 2] = tampered[tampered.size() - 2] == 'A' ? 'B' : 'A';
        checkRefused(s.http, tampered, "tampered signature");
        const auto dot = good.find('.');
        checkRefused(s.http,
                     good.substr(0, dot + 1) + base64Url(claimsWith(s.userId, nowSeconds(), "admin", "true")) +
                         good.substr(good.rfind('.')),
                     "tampered payload");
        checkRefused(s.http, forgeJwt(kHeader, claims, "another secret of at least 32 characters", Signature::HS256),
                     "another secret");
        for (const char* alg : {"none", "None", "NONE"}) {
            const std::string header = std::string(R"({"alg":")") + alg + R"("})";
            checkRefused(s.http, forgeJwt(header, claims, s.secret, Signature::Empty), std::string("alg ") + alg);
            checkRefused(s.http, forgeJwt(header, claims, s.secret, Signature::HS256), std::string("alg ") + alg);
        }
        checkRefused(s.http, forgeJwt(R"({"alg":"HS384","typ":"JWT"})", claims, s.secret, Signature::HS384), "HS384");
        checkRefused(s.http, forgeJwt(R"({"alg":"HS512","typ":"JWT"})", claims, s.secret, Signature::HS512), "HS512");
        checkRefused(s.http, forgeJwt(R"({"alg":"RS256","typ":"JWT"})", claims, s.secret, Signature::Garbage), "RS256");
    }

    TEST_CASE("expired, not yet valid, wrong-issuer, wrong-audience and wrong-type tokens are 401") {
        Signed s;
        const auto now = nowSeconds();
        const auto sign = [&](const std::string& claims) {
            return forgeJwt(kHeader, claims, s.secret, Signature::HS256);
        };
        checkRefused(s.http, sign(claimsWith(s.userId, now - 3600, "exp", std::to_string(now - 60))), "expired");
        checkRefused(s.http, sign(validClaimsJson(s.userId, now + 3600)), "issued in the future");
        checkRefused(s.http, sign(claimsWith(s.userId, now, "nbf", std::to_string(now + 3600))), "not before");
        checkRefused(s.http, sign(claimsWith(s.userId, now, "iss", R"("https://evil.example")")), "issuer");
        checkRefused(s.http, sign(claimsWith(s.userId, now, "aud", R"("another-api")")), "audience");
        checkRefused(s.http, sign(claimsWith(s.userId, now, "type", R"("refresh")")), "type");
        checkRefused(s.http, sign(claimsWith(s.userId, now, "ver", "7")), "old token version");
    }

    TEST_CASE("a refresh token or API key is no bearer token, and an access token is no API key") {
        Signed s;
        auto session = login(s.http, "alice");
        auto key = createApiKey(s.http, session.access, "script");
        checkRefused(s.http, session.refresh, "refresh token as bearer");
        checkRefused(s.http, key["secret"], "API key as bearer");
        CHECK(s.http.get("/api/users/me", {{"x-api-key", session.access}}).status == 401);
        CHECK(s.http.get("/api/users/me", {{"x-api-key", session.refresh}}).status == 401);
        CHECK(s.http.get("/api/users/me", {{"Authorization", "Basic " + key["secret"].get<std::string>()}}).status ==
              401);
        CHECK(s.http.get("/api/users/me", {{"Authorization", "Bearer"}}).status == 401);
        CHECK(s.http.get("/api/users/me", bearer(session.access)).status == 200);
        CHECK(s.http.get("/api/users/me", {{"authorization", "bearer " + session.access}}).status == 200);
    }

    TEST_CASE("an empty bearer token is 401 saying the token is missing, not that the scheme is unsupported") {
        Signed s;
        auto session = login(s.http, "alice");
        for (const char* value : {"Bearer ", "Bearer", "bearer  ", " Bearer \t"}) {
            auto r = s.http.get("/api/users/me", {{"Authorization", value}});
            INFO("Authorization: [" << value << "]");
            CHECK(r.status == 401);
            CHECK(r.hasHeader("WWW-Authenticate"));
            CHECK(errorCode(r) == "unauthenticated");
            const std::string message = bodyOf(r)["error"]["message"];
            CHECK(message.find("bearer token is missing") != std::string::npos);
            CHECK(message.find("unsupported") == std::string::npos);
        }
        // Another scheme, or a word that merely starts with Bearer, is still an unsupported scheme.
        for (const std::string& value :
             {"Basic " + session.access, "Bearerx " + session.access, std::string("Token abc")}) {
            auto r = s.http.get("/api/users/me", {{"Authorization", value}});
            CHECK(r.status == 401);
            CHECK(bodyOf(r)["error"]["message"].get<std::string>().find("unsupported authorization scheme") !=
                  std::string::npos);
        }
    }

    TEST_CASE("the token of a deleted user is refused") {
        Signed s;
        auto admin = login(s.http, "alice");
        auto bob = createUser(s.http, admin.access, "bob");
        auto session = login(s.http, "bob");
        REQUIRE(
            s.http.request("DELETE", "/api/admin/users/" + bob["id"].get<std::string>(), bearer(admin.access)).status ==
            204);
        checkRefused(s.http, session.access, "deleted user");
        CHECK(postJson(s.http, "/api/auth/refresh", {{"refreshToken", session.refresh}}).status == 401);
    }

    TEST_CASE("refresh rotates: the new pair works, the old refresh token dies, and reusing it revokes the family") {
        Signed s;
        auto first = login(s.http, "alice");
        auto otherDevice = login(s.http, "alice");
        auto r = postJson(s.http, "/api/auth/refresh", {{"refreshToken", first.refresh}});
        REQUIRE(r.status == 200);
        CHECK(r.header("Cache-Control") == std::optional<std::string>("no-store"));
        auto second = bodyOf(r);
        CHECK(second["refreshToken"] != first.refresh);
        CHECK(second["user"]["username"] == "alice");
        CHECK(second["expiresIn"] == 900);
        CHECK(s.http.get("/api/users/me", bearer(second["accessToken"])).status == 200);

        auto reuse = postJson(s.http, "/api/auth/refresh", {{"refreshToken", first.refresh}});
        CHECK(reuse.status == 401);
        // The family is gone: the thief's (or owner's) newer token dies too, other sign-ins stay.
        CHECK(postJson(s.http, "/api/auth/refresh", {{"refreshToken", second["refreshToken"]}}).status == 401);
        CHECK(postJson(s.http, "/api/auth/refresh", {{"refreshToken", otherDevice.refresh}}).status == 200);

        CHECK(postJson(s.http, "/api/auth/refresh", {{"refreshToken", "made-up"}}).status == 401);
        CHECK(postJson(s.http, "/api/auth/refresh", {{"refreshToken", 42}}).status == 400);
    }

    TEST_CASE("a refresh with no token at all (no body, {}, no cookie) is 401 unauthenticated, not a bad request") {
        Signed s;
        for (const auto& r :
             {s.http.request("POST", "/api/auth/refresh"), postJson(s.http, "/api/auth/refresh", json::object()),
              s.http.request("POST", "/api/auth/refresh", {{"Cookie", "obscura_refresh="}})}) {
            CHECK(r.status == 401);
            CHECK(errorCode(r) == "unauthenticated");
            CHECK(bodyOf(r)["error"]["message"].get<std::string>().find("no refresh token") != std::string::npos);
        }
        // A body that is there but wrong is still the caller's mistake.
        CHECK(postJson(s.http, "/api/auth/refresh", {{"refreshToken", 42}}).status == 400);
        CHECK(s.http.request("POST", "/api/auth/refresh", {{"Content-Type", "application/json"}}, "{not json").status ==
              400);
    }

    TEST_CASE("logout revokes the family; signing out twice, or with an unknown token, is fine") {
        Signed s;
        auto session = login(s.http, "alice");
        auto rotated = bodyOf(postJson(s.http, "/api/auth/refresh", {{"refreshToken", session.refresh}}));
        CHECK(postJson(s.http, "/api/auth/logout", {{"refreshToken", rotated["refreshToken"]}}).status == 204);
        CHECK(postJson(s.http, "/api/auth/refresh", {{"refreshToken", rotated["refreshToken"]}}).status == 401);
        CHECK(postJson(s.http, "/api/auth/logout", {{"refreshToken", rotated["refreshToken"]}}).status == 204);
        CHECK(postJson(s.http, "/api/auth/logout", {{"refreshToken", "never-issued"}}).status == 204);
        CHECK(postJson(s.http, "/api/auth/logout", json::object()).status == 400);
    }

    TEST_CASE("a password change ends every session, the caller's included; API keys keep working") {
        Signed s;
        auto session = login(s.http, "alice");
        auto other = login(s.http, "alice");
        auto key = createApiKey(s.http, session.access, "script");
        auto change =
            sendJson(s.http, "PUT", "/api/users/me/password",
                     {{"currentPassword", kPassword}, {"newPassword", "a brand new secret"}}, bearer(session.access));
        REQUIRE_MESSAGE(change.status == 204, change.body);
        for (const auto& t : {session, other}) {
            checkRefused(s.http, t.access, "access token from before the change");
            CHECK(postJson(s.http, "/api/auth/refresh", {{"refreshToken", t.refresh}}).status == 401);
        }
        CHECK(s.http.get("/api/users/me", {{"x-api-key", key["secret"]}}).status == 200);
        CHECK(postJson(s.http, "/api/auth/login", {{"username", "alice"}, {"password", kPassword}}).status == 401);
        login(s.http, "alice", "a brand new secret");
    }

    TEST_CASE("browser sessions: cookies on request, accepted for reads, and for writes only from our own origin") {
        Signed s;
        auto r =
            postJson(s.http, "/api/auth/login", {{"username", "alice"}, {"password", kPassword}, {"cookie", true}});
        REQUIRE(r.status == 200);
        std::string access, refresh, signedIn;
        int cookies = 0;
        for (const auto& [name, value] : r.headers) {
            if (name != "Set-Cookie") continue;
            ++cookies;
            CHECK(value.find("SameSite=Strict") != std::string::npos);
            CHECK(value.find("Secure") == std::string::npos);  // plain http here
            const auto eq = value.find('=');
            const auto end = value.find(';');
            const std::string cookieValue = value.substr(eq + 1, end - eq - 1);
            if (value.rfind("obscura_signed_in=", 0) == 0) {
                // The page may read this one: it says only that a session exists.
                CHECK(value.find("HttpOnly") == std::string::npos);
                signedIn = cookieValue;
                continue;
            }
            CHECK(value.find("HttpOnly") != std::string::npos);
            (value.rfind("obscura_access=", 0) == 0 ? access : refresh) = cookieValue;
        }
        CHECK(cookies == 3);
        CHECK(signedIn == "1");
        CHECK(access == bodyOf(r)["accessToken"]);
        const std::string host = "127.0.0.1:" + std::to_string(s.fx.port());
        const HeaderList jar = {{"Cookie", "theme=dark; obscura_access=" + access}};
        CHECK(s.http.get("/api/users/me", jar).status == 200);

        const json patch = {{"displayName", "Alice"}};
        CHECK(sendJson(s.http, "PATCH", "/api/users/me", patch, jar).status == 403);
        auto crossSite = jar;
        crossSite.emplace_back("Origin", "https://evil.example");
        CHECK(sendJson(s.http, "PATCH", "/api/users/me", patch, crossSite).status == 403);
        auto sameSite = jar;
        sameSite.emplace_back("Origin", "http://" + host);
        CHECK(sendJson(s.http, "PATCH", "/api/users/me", patch, sameSite).status == 200);

        // The refresh cookie works the same way at /api/auth/refresh, and new cookies come back.
        const HeaderList refreshJar = {{"Cookie", "obscura_refresh=" + refresh}, {"Origin", "http://" + host}};
        auto refreshed = s.http.request("POST", "/api/auth/refresh", refreshJar);
        CHECK(refreshed.status == 200);
        CHECK(refreshed.hasHeader("Set-Cookie"));
        CHECK(s.http.request("POST", "/api/auth/refresh", {{"Cookie", "obscura_refresh=" + refresh}}).status == 403);
        auto out =
            s.http.request("POST", "/api/auth/logout",
                           {{"Cookie", "obscura_refresh=" + bodyOf(refreshed)["refreshToken"].get<std::string>()},
                            {"Origin", "http://" + host}});
        CHECK(out.status == 204);
        int cleared = 0;
        for (const auto& [name, value] : out.headers)
            if (name == "Set-Cookie" && value.find("Max-Age=0") != std::string::npos) ++cleared;
        CHECK(cleared == 3);  // access, refresh and signed-in
    }
}

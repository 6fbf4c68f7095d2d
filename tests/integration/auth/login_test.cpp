#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>

#include "api_session.hpp"
#include "app_fixture.hpp"
#include "obscura/storage/storage.hpp"

using namespace obscura;
using namespace obscura::test;
using nlohmann::json;

namespace {

std::string storedHash(App& app, const std::string& usernameKey) {
    std::string hash;
    auto s = app.storage().run([&](storage::Repositories& repos) -> Status {
        OBSCURA_TRY(user, repos.auth().findUserByUsernameKey(usernameKey));
        if (user) hash = user->passwordHash;
        return {};
    });
    REQUIRE(s.ok());
    return hash;
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

}  // namespace

TEST_SUITE("auth.login") {
    TEST_CASE(
        "login answers an access token, a refresh token, its lifetime and the user; the token opens user routes") {
        AppFixture fx(fastAuth());
        HttpClient http(fx.port());
        registerUser(http, "alice");
        auto r = postJson(http, "/api/auth/login", {{"username", "alice"}, {"password", kPassword}});
        REQUIRE(r.status == 200);
        CHECK(r.header("Cache-Control") == std::optional<std::string>("no-store"));
        CHECK_FALSE(r.hasHeader("Set-Cookie"));  // cookies only when asked for
        auto body = bodyOf(r);
        CHECK(body["expiresIn"] == 900);
        CHECK(body["user"]["username"] == "alice");
        const std::string access = body["accessToken"];
        CHECK(std::count(access.begin(), access.end(), '.') == 2);
        CHECK(body["refreshToken"].get<std::string>().size() == 43);
        auto me = http.get("/api/users/me", bearer(body["accessToken"]));
        REQUIRE(me.status == 200);
        CHECK(bodyOf(me)["id"] == body["user"]["id"]);
        CHECK(http.get("/api/assets/statistics", bearer(body["accessToken"])).status == 200);
    }

    TEST_CASE("Basic-auth login works like curl -u user:pass -X POST; a malformed Basic header is 400") {
        AppFixture fx(fastAuth());
        HttpClient http(fx.port());
        registerUser(http, "alice");
        auto r = http.request("POST", "/api/auth/login", {{"Authorization", basicAuthorization("alice", kPassword)}});
        REQUIRE_MESSAGE(r.status == 200, r.body);
        CHECK(bodyOf(r)["user"]["username"] == "alice");
        // A colon inside the password is part of it: only the first one separates.
        auto wrong = http.request("POST", "/api/auth/login", {{"Authorization", basicAuthorization("alice", "x:y:z")}});
        CHECK(wrong.status == 401);
        CHECK(http.request("POST", "/api/auth/login", {{"Authorization", "Basic !!!"}}).status == 400);
        CHECK(http.request("POST", "/api/auth/login", {{"Authorization", "Basic YWxpY2U="}}).status == 400);  // "alice"
        CHECK(http.request("POST", "/api/auth/login").status == 400);  // no credentials at all
    }

    TEST_CASE("an unknown user and a wrong password get the same answer in about the same time") {
        AppFixture fx(fastAuth());
        HttpClient http(fx.port());
        registerUser(http, "alice");
        std::vector<double> unknownTimes, wrongTimes;
        std::string unknownBody, wrongBody;
        for (int i = 0; i < 3; ++i) {
            for (bool unknown : {true, false}) {
                const auto start = std::chrono::steady_clock::now();
                auto r = postJson(http, "/api/auth/login",
                                  {{"username", unknown ? "nobody" + std::to_string(i) : "alice"},
                                   {"password", "wrong password " + std::to_string(i)}});
                const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
                CHECK(r.status == 401);
                CHECK(r.hasHeader("WWW-Authenticate"));
                auto error = bodyOf(r)["error"];
                error.erase("requestId");
                (unknown ? unknownBody : wrongBody) = error.dump();
                (unknown ? unknownTimes : wrongTimes).push_back(s);
            }
        }
        CHECK(unknownBody == wrongBody);
        CHECK(unknownBody == json{{"code", "unauthenticated"}, {"message", "invalid username or password"}}.dump());
        const double ratio = median(unknownTimes) / median(wrongTimes);
        // Reported, not asserted: timings on a shared 2-core CI machine are noise (the rule is no timed assertions).
        // The equal cost comes from verifying against a decoy hash for unknown users (credential_checker.cpp).
        MESSAGE("unknown " << median(unknownTimes) << " s, wrong password " << median(wrongTimes) << " s, ratio "
                           << ratio);
    }

    TEST_CASE("a disabled user cannot log in, and their tokens and keys stop working at once") {
        AppFixture fx(fastAuth());
        HttpClient http(fx.port());
        registerUser(http, "admin");
        auto admin = login(http, "admin");
        auto bob = createUser(http, admin.access, "bob");
        auto session = login(http, "bob");
        auto key = createApiKey(http, session.access, "script");
        REQUIRE(http.get("/api/users/me", bearer(session.access)).status == 200);

        auto disable = sendJson(http, "PATCH", "/api/admin/users/" + bob["id"].get<std::string>(), {{"disabled", true}},
                                bearer(admin.access));
        REQUIRE_MESSAGE(disable.status == 200, disable.body);
        CHECK(bodyOf(disable)["disabled"] == true);
        CHECK(http.get("/api/users/me", bearer(session.access)).status == 401);
        CHECK(http.get("/api/users/me", {{"x-api-key", key["secret"]}}).status == 401);
        CHECK(postJson(http, "/api/auth/refresh", {{"refreshToken", session.refresh}}).status == 401);
        auto again = postJson(http, "/api/auth/login", {{"username", "bob"}, {"password", kPassword}});
        CHECK(again.status == 403);
        CHECK(errorCode(again) == "account_disabled");
        auto wrong = postJson(http, "/api/auth/login", {{"username", "bob"}, {"password", "not the password"}});
        CHECK(wrong.status == 401);  // only someone with the password learns the account is disabled

        // Enabled again, the old session stays ended: a new sign-in is needed.
        REQUIRE(sendJson(http, "PATCH", "/api/admin/users/" + bob["id"].get<std::string>(), {{"disabled", false}},
                         bearer(admin.access))
                    .status == 200);
        CHECK(http.get("/api/users/me", bearer(session.access)).status == 401);
        CHECK(http.get("/api/users/me", {{"x-api-key", key["secret"]}}).status == 200);
        CHECK(http.get("/api/users/me", bearer(login(http, "bob").access)).status == 200);
    }

    TEST_CASE("a password hashed with older parameters is rehashed at the next login") {
        TempDir dir;
        const std::string dataDir = dir.path() + "/data";
        std::string before;
        {
            auto app = startApp(dataDir, {{"auth.passwordHashIterations", "2"}});
            HttpClient http(app->port());
            registerUser(http, "alice");
            before = storedHash(*app, "alice");
            CHECK(before.find("m=19456,t=2,p=1") != std::string::npos);
            app->stop();
        }
        auto app = startApp(dataDir, {{"auth.passwordHashIterations", "3"}});
        HttpClient http(app->port());
        login(http, "alice");
        const auto after = storedHash(*app, "alice");
        CHECK(after.find("m=19456,t=3,p=1") != std::string::npos);
        CHECK(after != before);
        login(http, "alice");                       // the new hash verifies
        CHECK(storedHash(*app, "alice") == after);  // and is not redone
    }
}

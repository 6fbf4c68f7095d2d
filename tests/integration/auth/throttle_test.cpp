#include <doctest/doctest.h>

#include "api_session.hpp"
#include "app_fixture.hpp"

using namespace obscura;
using namespace obscura::test;

namespace {

HttpResponse attempt(HttpClient& http, const std::string& username, const std::string& password,
                     HeaderList headers = {}) {
    return postJson(http, "/api/auth/login", {{"username", username}, {"password", password}}, std::move(headers));
}

void checkThrottled(const HttpResponse& r, int windowSeconds) {
    CHECK(r.status == 429);
    CHECK(errorCode(r) == "rate_limited");
    REQUIRE(r.hasHeader("Retry-After"));
    const int retry = std::stoi(*r.header("Retry-After"));
    CHECK(retry >= 1);
    CHECK(retry <= windowSeconds);
}

}  // namespace

TEST_SUITE("auth.throttle") {
    TEST_CASE("repeated failures for one username get 429 with Retry-After, right password or not, known user or not") {
        AppFixture fx(fastAuth({{"auth.loginFailuresPerUsername", "3"},
                                {"auth.loginFailuresPerIp", "100"},
                                {"auth.loginFailureWindowSeconds", "60"}}));
        HttpClient http(fx.port());
        registerUser(http, "alice");
        auto admin = login(http, "alice");
        createUser(http, admin.access, "bob");
        for (int i = 0; i < 3; ++i) CHECK(attempt(http, "alice", "wrong password").status == 401);
        checkThrottled(attempt(http, "alice", kPassword), 60);
        checkThrottled(attempt(http, "ALICE", "wrong password"), 60);  // the same account, whatever the case
        // Another client address is no way around it: the username itself is throttled.
        HttpClient elsewhere(fx.port());
        elsewhere.bindTo("127.0.0.2");
        checkThrottled(attempt(elsewhere, "alice", kPassword), 60);
        // Other accounts from the same address are unaffected, and tokens issued before keep working.
        CHECK(attempt(http, "bob", kPassword).status == 200);
        CHECK(http.get("/api/users/me", bearer(admin.access)).status == 200);

        // An unknown username is throttled exactly like a known one: throttling reveals nothing.
        for (int i = 0; i < 3; ++i) CHECK(attempt(http, "ghost", "wrong password").status == 401);
        checkThrottled(attempt(http, "ghost", "wrong password"), 60);
    }

    TEST_CASE("failures from one client IP are throttled across usernames; a spoofed X-Forwarded-For changes nothing") {
        AppFixture fx(fastAuth({{"auth.loginFailuresPerUsername", "100"},
                                {"auth.loginFailuresPerIp", "3"},
                                {"auth.loginFailureWindowSeconds", "60"}}));
        HttpClient http(fx.port());
        registerUser(http, "alice");
        for (int i = 0; i < 3; ++i) {
            auto r = attempt(http, "user" + std::to_string(i), "wrong password",
                             {{"X-Forwarded-For", "198.51.100." + std::to_string(i)}});
            CHECK(r.status == 401);
        }
        checkThrottled(attempt(http, "alice", kPassword, {{"X-Forwarded-For", "203.0.113.99"}}), 60);
        checkThrottled(attempt(http, "alice", kPassword, {{"X-Real-IP", "203.0.113.98"}}), 60);
        HttpClient other(fx.port());
        other.bindTo("127.0.0.2");
        CHECK(attempt(other, "alice", kPassword).status == 200);
    }

    TEST_CASE("behind a trusted proxy, X-Forwarded-For names the client whose failures are counted") {
        AppFixture fx(fastAuth({{"server.trustedProxies", "127.0.0.1"},
                                {"auth.loginFailuresPerUsername", "100"},
                                {"auth.loginFailuresPerIp", "3"},
                                {"auth.loginFailureWindowSeconds", "60"}}));
        HttpClient proxy(fx.port());
        registerUser(proxy, "alice");
        const HeaderList guesser = {{"X-Forwarded-For", "203.0.113.7"}};
        for (int i = 0; i < 3; ++i) CHECK(attempt(proxy, "user" + std::to_string(i), "wrong", guesser).status == 401);
        checkThrottled(attempt(proxy, "alice", kPassword, guesser), 60);
        CHECK(attempt(proxy, "alice", kPassword, {{"X-Forwarded-For", "203.0.113.8"}}).status == 200);
    }

    TEST_CASE("a right password clears the username's counter") {
        AppFixture fx(fastAuth({{"auth.loginFailuresPerUsername", "3"}, {"auth.loginFailuresPerIp", "100"}}));
        HttpClient http(fx.port());
        registerUser(http, "alice");
        for (int round = 0; round < 2; ++round) {
            for (int i = 0; i < 2; ++i) CHECK(attempt(http, "alice", "wrong password").status == 401);
            CHECK(attempt(http, "alice", kPassword).status == 200);
        }
    }

    TEST_CASE("the counters live in the database: a restarted server, or another replica, still throttles") {
        TempDir dir;
        const std::string dataDir = dir.path() + "/data";
        const std::map<std::string, std::string> limits = {{"auth.loginFailuresPerUsername", "3"},
                                                           {"auth.loginFailureWindowSeconds", "600"}};
        {
            auto app = startApp(dataDir, limits);
            HttpClient http(app->port());
            registerUser(http, "alice");
            for (int i = 0; i < 3; ++i) CHECK(attempt(http, "alice", "wrong password").status == 401);
            app->stop();
        }
        auto app = startApp(dataDir, limits);
        HttpClient http(app->port());
        checkThrottled(attempt(http, "alice", kPassword), 600);
    }
}

// MariaDB going away under a running server: requests fail cleanly with 503 while it is gone, /readyz says
// so, the process stays up, and everything works again once the database is back — without a restart.
#include <doctest/doctest.h>

#include <chrono>
#include <thread>

#include "api_session.hpp"
#include "app_fixture.hpp"
#include "http_client.hpp"
#include "private_mariadb.hpp"

using namespace obscura;
using namespace obscura::test;
using SteadyClock = std::chrono::steady_clock;

namespace {

double secondsSince(SteadyClock::time_point start) {
    return std::chrono::duration<double>(SteadyClock::now() - start).count();
}

// One request on a fresh connection, with how long it took.
struct Timed {
    HttpResponse response;
    double seconds = 0;
};

Timed timedGet(int port, const std::string& path, const HeaderList& headers = {}) {
    HttpClient http(port, "127.0.0.1", std::chrono::seconds(60));
    const auto start = SteadyClock::now();
    auto response = http.get(path, headers);
    return {std::move(response), secondsSince(start)};
}

// Polls /readyz until it answers 200; false after the deadline.
bool waitReady(int port, std::chrono::seconds deadline) {
    const auto until = SteadyClock::now() + deadline;
    while (SteadyClock::now() < until) {
        if (timedGet(port, "/readyz").response.status == 200) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    return false;
}

// What every request that needs the database must answer while it is gone: a clean 503 in JSON, quickly.
void checkUnavailable(const Timed& t, const char* what, double maxSeconds) {
    CAPTURE(what);
    CAPTURE(t.response.body);
    CHECK(t.response.status == 503);
    CHECK(t.seconds < maxSeconds);
    const auto code = errorCode(t.response);
    CHECK((code == "unavailable" || code == "not_ready"));
}

std::map<std::string, std::string> merged(std::map<std::string, std::string> a,
                                          const std::map<std::string, std::string>& b) {
    for (const auto& [k, v] : b) a[k] = v;
    return a;
}

}  // namespace

TEST_SUITE("integration.mysql.outage") {
    TEST_CASE("MariaDB stopped and started again under a running server: 503 meanwhile, then it just works") {
        if (!PrivateMariadb::available()) {
            MESSAGE("integration: MySQL outage NOT tested (no mariadbd on this machine)");
            return;
        }
        PrivateMariadb db;
        AppFixture fixture(fastAuth(db.overrides()));
        HttpClient http(fixture.port());
        registerUser(http, "alice");
        const auto alice = login(http, "alice");
        REQUIRE(http.get("/api/users/me", bearer(alice.access)).status == 200);
        REQUIRE(http.get("/readyz").status == 200);

        db.stop();
        for (int round = 0; round < 3; ++round) {
            CAPTURE(round);
            checkUnavailable(timedGet(fixture.port(), "/readyz"), "readyz", 5);
            checkUnavailable(timedGet(fixture.port(), "/api/users/me", bearer(alice.access)), "users/me", 5);
            checkUnavailable(timedGet(fixture.port(), "/api/assets", bearer(alice.access)), "assets", 5);
            HttpClient loginClient(fixture.port());
            const auto start = SteadyClock::now();
            auto refused = postJson(loginClient, "/api/auth/login", {{"username", "alice"}, {"password", kPassword}});
            checkUnavailable({refused, secondsSince(start)}, "login", 5);
            CHECK(refused.hasHeader("Retry-After"));
            // Liveness is not readiness: the process itself is fine.
            CHECK(timedGet(fixture.port(), "/healthz").response.status == 200);
        }

        db.start();
        const auto back = SteadyClock::now();
        REQUIRE_MESSAGE(waitReady(fixture.port(), std::chrono::seconds(20)),
                        "/readyz stayed 503 after MariaDB came back");
        MESSAGE("integration: MySQL: ready again " << secondsSince(back) << " s after MariaDB restarted");
        // Reads, a fresh sign-in and writes all work on the same, never restarted, server.
        HttpClient after(fixture.port());
        CHECK(after.get("/api/users/me", bearer(alice.access)).status == 200);
        const auto again = login(after, "alice");
        auto created = createUser(after, again.access, "bob");
        CHECK(created["username"] == "bob");
        CHECK(after.get("/api/assets", bearer(again.access)).status == 200);
    }

    TEST_CASE("a database that stops answering turns into 503s within its timeouts, and recovers when it answers") {
        if (!PrivateMariadb::available()) {
            MESSAGE("integration: MySQL freeze NOT tested (no mariadbd on this machine)");
            return;
        }
        PrivateMariadb db;
        // Short timeouts through the URL, so the test does not wait for the 15 s defaults.
        AppFixture fixture(fastAuth(merged(db.overrides("connectTimeout=2&readTimeout=2&writeTimeout=2"), {})));
        HttpClient http(fixture.port());
        registerUser(http, "carol");
        const auto carol = login(http, "carol");
        REQUIRE(http.get("/api/users/me", bearer(carol.access)).status == 200);

        db.freeze();
        // The first request waits for one read timeout (and perhaps one connect timeout) before the pool gives
        // up on the silent server; none may hang for long.
        for (int round = 0; round < 3; ++round) {
            CAPTURE(round);
            checkUnavailable(timedGet(fixture.port(), "/readyz"), "readyz", 8);
            checkUnavailable(timedGet(fixture.port(), "/api/users/me", bearer(carol.access)), "users/me", 8);
        }
        CHECK(timedGet(fixture.port(), "/healthz").response.status == 200);

        db.thaw();
        REQUIRE_MESSAGE(waitReady(fixture.port(), std::chrono::seconds(20)), "/readyz stayed 503 after MariaDB thawed");
        HttpClient after(fixture.port());
        CHECK(after.get("/api/users/me", bearer(carol.access)).status == 200);
        CHECK(login(after, "carol").access.size() > 0);
    }
}

#include <doctest/doctest.h>
#include <signal.h>

#include "test_support.hpp"

using namespace obscura::test;
using namespace std::chrono_literals;

TEST_SUITE("app.cli") {
    TEST_CASE("obscura version prints the version") {
        auto r = run({obscuraBinary(), "version"});
        CHECK(r.exitCode == 0);
        CHECK(r.out == "obscura 0.1.0\n");
    }

    TEST_CASE("obscura migrate applies every module's migrations once and reports versions") {
        TempDir data;
        auto first = run({obscuraBinary(), "migrate", "--data-dir", data.path()});
        REQUIRE_MESSAGE(first.exitCode == 0, first.err);
        for (const char* m : {"kernel", "auth", "media", "partners", "sharing", "direct_uploads", "relay", "dupes",
                              "mfa", "password_reset", "oidc", "finding"})
            CHECK(first.out.find(std::string(m) + ": version 0 -> 1") != std::string::npos);
        // 2: albums and share links, 3: library versions, 4: derived rows written by plugins/sql (triggers dropped),
        // 5: nested albums and the download switch
        CHECK(first.out.find("images: version 0 -> 5") != std::string::npos);
        CHECK(first.out.find("uploads: version 0 -> 2") != std::string::npos);  // 2: upload parts (issue 20)
        // 2: the listing indexes end with the hidden flag
        CHECK(first.out.find("live_photos: version 0 -> 2") != std::string::npos);
        auto second = run({obscuraBinary(), "migrate", "--data-dir", data.path()});
        REQUIRE(second.exitCode == 0);
        CHECK(second.out.find("auth: version 1 -> 1") != std::string::npos);
    }

    TEST_CASE("obscura config check prints every key with its origin and hides secrets") {
        auto r = run({obscuraBinary(), "config", "check", "--port", "9123"},
                     {{"OBSCURA_DATABASE_PASSWORD", "hunter2-not-shown"}, {"OBSCURA_IMAGES_TRASH_DAYS", "7"}});
        REQUIRE_MESSAGE(r.exitCode == 0, r.err);
        CHECK(r.out.find("server.port") != std::string::npos);
        CHECK(r.out.find("9123") != std::string::npos);
        CHECK(r.out.find("OBSCURA_IMAGES_TRASH_DAYS") != std::string::npos);
        CHECK(r.out.find("hunter2-not-shown") == std::string::npos);
        CHECK(r.out.find("configuration is valid") != std::string::npos);
        auto bad = run({obscuraBinary(), "config", "check"}, {{"OBSCURA_LOG_LEVEL", "loud"}});
        CHECK(bad.exitCode == 1);
        CHECK(bad.err.find("log.level") != std::string::npos);
    }

    TEST_CASE("obscura healthcheck exits 0 against a running server and 1 when nothing answers") {
        TempDir data;
        ServerProcess server({"--port", "0", "--data-dir", data.path()});
        REQUIRE_MESSAGE(server.start(), server.log());
        auto ok = run({obscuraBinary(), "healthcheck", "--port", std::to_string(server.port())});
        CHECK_MESSAGE(ok.exitCode == 0, ok.err);
        auto url = run({obscuraBinary(), "healthcheck", "--url",
                        "http://127.0.0.1:" + std::to_string(server.port()) + "/healthz"});
        CHECK(url.exitCode == 0);
        server.signal(SIGTERM);
        REQUIRE(server.wait(20s) == std::optional<int>(0));
        auto down = run({obscuraBinary(), "healthcheck", "--port", std::to_string(server.port())});
        CHECK(down.exitCode == 1);
    }

    TEST_CASE("an unknown flag is a usage error with exit status 2") {
        auto r = run({obscuraBinary(), "--no-such-flag"});
        CHECK(r.exitCode == 2);
        CHECK_FALSE(r.err.empty());
    }
}

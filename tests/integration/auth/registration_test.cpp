#include <doctest/doctest.h>

#include <chrono>
#include <latch>
#include <thread>

#include "api_session.hpp"
#include "app_fixture.hpp"

using namespace obscura;
using namespace obscura::test;
using nlohmann::json;

TEST_SUITE("auth.registration") {
    TEST_CASE("the first user becomes admin, and registration closes after it unless configured open") {
        AppFixture fx(fastAuth());
        HttpClient http(fx.port());
        auto first = registerUser(http, "Alice");
        CHECK(first["isAdmin"] == true);
        CHECK(first["username"] == "Alice");
        for (const char* field : {"id", "username", "email", "displayName", "bio", "isAdmin", "disabled", "quotaBytes",
                                  "createdAt", "avatarUrl"}) {
            CHECK_MESSAGE(first.contains(field), field);
        }
        CHECK(first["email"] == "");
        CHECK(first["quotaBytes"].is_null());
        CHECK_FALSE(first.contains("passwordHash"));
        CHECK(bodyOf(http.get("/api/auth/setup")) ==
              json{{"setupRequired", false}, {"registration", "closed"}, {"oidc", {{"enabled", false}}}});

        auto second = postJson(http, "/api/auth/register", {{"username", "bob"}, {"password", kPassword}});
        CHECK(second.status == 403);
        CHECK(errorCode(second) == "registration_closed");
        // Closed comes before the body: even a malformed request learns only that.
        auto malformed = http.request("POST", "/api/auth/register", {{"Content-Type", "application/json"}}, "{");
        CHECK(errorCode(malformed) == "registration_closed");
    }

    TEST_CASE("auth.registration=open lets anyone register; only the first user is an admin") {
        AppFixture fx(fastAuth({{"auth.registration", "open"}}));
        HttpClient http(fx.port());
        CHECK(registerUser(http, "alice")["isAdmin"] == true);
        auto bob = postJson(http, "/api/auth/register",
                            {{"username", "bob"},
                             {"password", kPassword},
                             {"email", "bob@example.org"},
                             {"displayName", "Bob B."},
                             {"isAdmin", true}});
        REQUIRE(bob.status == 201);
        CHECK(bodyOf(bob)["isAdmin"] == false);  // not a field one may set oneself
        CHECK(bodyOf(bob)["email"] == "bob@example.org");
        CHECK(bodyOf(bob)["displayName"] == "Bob B.");
    }

    TEST_CASE("auth.registration=closed refuses even the first user: the admin comes from the CLI") {
        AppFixture fx(fastAuth({{"auth.registration", "closed"}}));
        HttpClient http(fx.port());
        auto r = postJson(http, "/api/auth/register", {{"username", "alice"}, {"password", kPassword}});
        CHECK(r.status == 403);
        CHECK(errorCode(r) == "registration_closed");
    }

    TEST_CASE("usernames are unique whatever their case: a second Alice is a 409 conflict") {
        AppFixture fx(fastAuth({{"auth.registration", "open"}}));
        HttpClient http(fx.port());
        registerUser(http, "Alice");
        for (const char* again : {"alice", "ALICE", "Alice"}) {
            auto r = postJson(http, "/api/auth/register", {{"username", again}, {"password", kPassword}});
            INFO(again);
            CHECK(r.status == 409);
            CHECK(errorCode(r) == "conflict");
        }
        // The account answers to any casing at sign-in.
        CHECK(login(http, "aLiCe").user["username"] == "Alice");
    }

    TEST_CASE("a bad body is 400, a bad field 422 naming it, a non-JSON content type 415") {
        AppFixture fx(fastAuth());
        HttpClient http(fx.port());
        const auto post = [&](const std::string& body) {
            return http.request("POST", "/api/auth/register", {{"Content-Type", "application/json"}}, body);
        };
        CHECK(post("{").status == 400);
        CHECK(post("[1]").status == 400);
        CHECK(post(R"({"password":"correct horse battery"})").status == 400);
        CHECK(post(R"({"username":5,"password":"correct horse battery"})").status == 400);
        CHECK(post("").status == 400);  // no fields at all: username is required
        const std::vector<std::pair<json, std::string>> invalid = {
            {{{"username", "al"}, {"password", kPassword}}, "username"},
            {{{"username", "al ice"}, {"password", kPassword}}, "username"},
            {{{"username", "alice"}, {"password", "short"}}, "password"},
            {{{"username", "alice"}, {"password", "password123"}}, "common"},
            {{{"username", "alice"}, {"password", std::string(1025, 'p')}}, "1024"},
            {{{"username", "alice"}, {"password", kPassword}, {"email", "not-an-address"}}, "email"},
            {{{"username", "alice"}, {"password", kPassword}, {"displayName", std::string(65, 'd')}}, "displayName"},
        };
        for (const auto& [body, field] : invalid) {
            auto r = post(body.dump());
            INFO(field);
            CHECK(r.status == 422);
            CHECK(errorCode(r) == "invalid");
            CHECK(bodyOf(r)["error"]["message"].get<std::string>().find(field) != std::string::npos);
        }
        auto form = http.request("POST", "/api/auth/register", {{"Content-Type", "application/x-www-form-urlencoded"}},
                                 R"({"username":"alice","password":"correct horse battery"})");
        CHECK(form.status == 415);
        CHECK(bodyOf(http.get("/api/auth/setup"))["setupRequired"] == true);  // nothing was created
    }

    TEST_CASE("a 1 MiB password is refused without being hashed, at register and at login") {
        AppFixture fx(fastAuth());
        HttpClient http(fx.port());
        const std::string huge((1 << 20) - 64, 'p');
        for (const char* path : {"/api/auth/register", "/api/auth/login"}) {
            const auto start = std::chrono::steady_clock::now();
            auto r = postJson(http, path, {{"username", "alice"}, {"password", huge}});
            const auto took = std::chrono::steady_clock::now() - start;
            INFO(path);
            CHECK(r.status == 422);
            CHECK(bodyOf(r)["error"]["message"].get<std::string>().find("1024 bytes") != std::string::npos);
            CHECK(took < std::chrono::seconds(2));
        }
        auto tooLarge =
            postJson(http, "/api/auth/login", {{"username", "alice"}, {"password", std::string(1 << 20, 'p')}});
        CHECK(tooLarge.status == 413);  // past the JSON body limit the HTTP layer refuses before reading it
    }

    TEST_CASE("two racing first registrations make exactly one admin") {
        AppFixture fx(fastAuth());
        std::latch start(2);
        int statuses[2] = {0, 0};
        std::vector<std::thread> threads;
        for (int i = 0; i < 2; ++i) {
            threads.emplace_back([&, i] {
                HttpClient http(fx.port());
                start.arrive_and_wait();
                statuses[i] = postJson(http, "/api/auth/register",
                                       {{"username", "first" + std::to_string(i)}, {"password", kPassword}})
                                  .status;
            });
        }
        for (auto& t : threads) t.join();
        CHECK(std::min(statuses[0], statuses[1]) == 201);
        CHECK(std::max(statuses[0], statuses[1]) == 403);
    }
}

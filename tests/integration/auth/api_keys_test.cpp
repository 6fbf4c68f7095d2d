#include <doctest/doctest.h>

#include "api_session.hpp"
#include "app_fixture.hpp"

using namespace obscura;
using namespace obscura::test;
using nlohmann::json;

TEST_SUITE("auth.api_keys") {
    TEST_CASE("an API key's life: created with its secret shown once, used as x-api-key, listed, deleted") {
        AppFixture fx(fastAuth());
        HttpClient http(fx.port());
        registerUser(http, "alice");
        auto alice = login(http, "alice");

        auto r = postJson(http, "/api/api-keys", {{"name", "immich cli"}}, bearer(alice.access));
        REQUIRE(r.status == 201);
        CHECK(r.header("Cache-Control") == std::optional<std::string>("no-store"));
        auto created = bodyOf(r);
        const std::string secret = created["secret"];
        const json apiKey = created["apiKey"];
        CHECK(secret.size() >= 43);
        CHECK(apiKey["name"] == "immich cli");
        CHECK(apiKey["permissions"] == json::array({"all"}));
        for (const char* field : {"id", "name", "createdAt", "permissions"}) CHECK(apiKey.contains(field));
        CHECK(apiKey.size() == 4);  // no secret and no hash inside the key object

        auto me = http.get("/api/users/me", {{"x-api-key", secret}});
        REQUIRE(me.status == 200);
        CHECK(bodyOf(me)["username"] == "alice");
        CHECK(http.get("/api/assets/statistics", {{"X-Api-Key", secret}}).status == 200);
        auto mine = http.get("/api/api-keys/me", {{"x-api-key", secret}});
        REQUIRE(mine.status == 200);
        CHECK(bodyOf(mine) == apiKey);

        auto listed = http.get("/api/api-keys", bearer(alice.access));
        REQUIRE(listed.status == 200);
        CHECK(bodyOf(listed) == json::array({apiKey}));
        CHECK(listed.body.find(secret) == std::string::npos);

        CHECK(http.request("DELETE", "/api/api-keys/" + apiKey["id"].get<std::string>(), bearer(alice.access)).status ==
              204);
        CHECK(http.get("/api/users/me", {{"x-api-key", secret}}).status == 401);
        CHECK(bodyOf(http.get("/api/api-keys", bearer(alice.access))) == json::array());
        CHECK(http.request("DELETE", "/api/api-keys/" + apiKey["id"].get<std::string>(), bearer(alice.access)).status ==
              404);
    }

    TEST_CASE("another user's key is 404 to delete and keeps working; a made-up key is 401") {
        AppFixture fx(fastAuth());
        HttpClient http(fx.port());
        registerUser(http, "alice");
        auto alice = login(http, "alice");
        createUser(http, alice.access, "bob");
        auto bob = login(http, "bob");
        auto key = createApiKey(http, alice.access, "alice's");
        const std::string id = key["apiKey"]["id"];
        CHECK(http.request("DELETE", "/api/api-keys/" + id, bearer(bob.access)).status == 404);
        CHECK(http.request("DELETE", "/api/api-keys/not-a-uuid", bearer(bob.access)).status == 404);
        CHECK(bodyOf(http.get("/api/api-keys", bearer(bob.access))) == json::array());
        CHECK(http.get("/api/users/me", {{"x-api-key", key["secret"]}}).status == 200);
        auto bad = http.get("/api/users/me", {{"x-api-key", "obviously-not-a-key"}});
        CHECK(bad.status == 401);
        CHECK(bad.hasHeader("WWW-Authenticate"));
        CHECK(http.get("/api/users/me", {{"x-api-key", ""}}).status == 401);
    }

    TEST_CASE("a key cannot mint keys, change the password or delete the account; /me needs a key") {
        AppFixture fx(fastAuth());
        HttpClient http(fx.port());
        registerUser(http, "alice");
        auto alice = login(http, "alice");
        const HeaderList viaKey = {{"x-api-key", createApiKey(http, alice.access, "k")["secret"]}};
        auto mint = postJson(http, "/api/api-keys", {{"name", "more"}}, viaKey);
        CHECK(mint.status == 403);
        CHECK(errorCode(mint) == "session_required");
        CHECK(sendJson(http, "PUT", "/api/users/me/password",
                       {{"currentPassword", kPassword}, {"newPassword", "x y z w v u"}}, viaKey)
                  .status == 403);
        CHECK(sendJson(http, "DELETE", "/api/users/me", {{"password", kPassword}}, viaKey).status == 403);
        auto notKey = http.get("/api/api-keys/me", bearer(alice.access));
        CHECK(notKey.status == 403);
        CHECK(errorCode(notKey) == "not_an_api_key");
    }

    TEST_CASE("a key's name is optional (\"API Key\") but, when given, 1 to 100 characters") {
        AppFixture fx(fastAuth());
        HttpClient http(fx.port());
        registerUser(http, "alice");
        auto alice = login(http, "alice");
        auto unnamed = http.request("POST", "/api/api-keys", bearer(alice.access));
        REQUIRE(unnamed.status == 201);
        CHECK(bodyOf(unnamed)["apiKey"]["name"] == "API Key");
        CHECK(postJson(http, "/api/api-keys", {{"name", ""}}, bearer(alice.access)).status == 422);
        CHECK(postJson(http, "/api/api-keys", {{"name", std::string(101, 'n')}}, bearer(alice.access)).status == 422);
        CHECK(postJson(http, "/api/api-keys", {{"name", 7}}, bearer(alice.access)).status == 400);
    }
}

// The App's clock reaches the modules: what they stamp and what expires follows a FakeClock, without sleeping.
// Times the server stamps have one shape (docs/api.md, "Times"): UTC with milliseconds.
#include "obscura/base/clock.hpp"

#include <doctest/doctest.h>

#include "app_fixture.hpp"
#include "images_api.hpp"

using namespace obscura;
using namespace obscura::test;
using namespace std::chrono_literals;

TEST_SUITE("images.clock") {
    TEST_CASE("albums are stamped with the clock's now, in milliseconds") {
        FakeClock clock(FakeClock::kDefaultUs + 123456);  // 2024-05-01T12:00:00.123456Z
        AppFixture fx(fastAuth(), &clock);
        HttpClient http(fx.port());
        auto alice = firstAccount(http, "alice");

        auto created = postJson(http, "/api/albums", {{"albumName", "Then"}}, alice.auth());
        REQUIRE(created.status == 201);
        const auto album = bodyOf(created);
        CHECK(album["createdAt"] == "2024-05-01T12:00:00.123Z");
        CHECK(album["updatedAt"] == "2024-05-01T12:00:00.123Z");

        clock.advance(2min);
        auto patched = sendJson(http, "PATCH", "/api/albums/" + album["id"].get<std::string>(), {{"albumName", "Now"}},
                                alice.auth());
        REQUIRE(patched.status == 200);
        CHECK(bodyOf(patched)["createdAt"] == "2024-05-01T12:00:00.123Z");
        CHECK(bodyOf(patched)["updatedAt"] == "2024-05-01T12:02:00.123Z");
    }

    TEST_CASE("a share link expires when the clock passes its expiresAt") {
        FakeClock clock;  // 2024-05-01T12:00:00Z
        AppFixture fx(fastAuth(), &clock);
        HttpClient http(fx.port());
        auto alice = firstAccount(http, "alice");
        auto asset = insertAsset(fx.app(), alice.id);

        auto created = postJson(http, "/api/shared-links",
                                {{"assetIds", {asset.id}}, {"expiresAt", "2024-05-01T14:00:00+02:00"}}, alice.auth());
        CHECK(created.status == 422);  // 12:00 UTC: not in the future
        created = postJson(http, "/api/shared-links",
                           {{"assetIds", {asset.id}}, {"expiresAt", "2024-05-01T15:00:00+02:00"}}, alice.auth());
        REQUIRE(created.status == 201);
        const auto link = bodyOf(created);
        CHECK(link["createdAt"] == "2024-05-01T12:00:00.000Z");
        CHECK(link["expiresAt"] == "2024-05-01T15:00:00+02:00");  // as the client wrote it
        const std::string page = "/api/shared/" + link["key"].get<std::string>();
        CHECK(http.get(page).status == 200);

        clock.advance(59min);
        CHECK(http.get(page).status == 200);
        clock.advance(1min);  // 13:00 UTC = 15:00+02:00
        CHECK(http.get(page).status == 404);
    }

    TEST_CASE("an access token ends when the clock passes its lifetime") {
        FakeClock clock;
        AppFixture fx(fastAuth(), &clock);
        HttpClient http(fx.port());
        auto alice = firstAccount(http, "alice");
        CHECK(http.get("/api/users/me", alice.auth()).status == 200);
        clock.advance(16min);  // auth.accessTokenMinutes is 15
        CHECK(http.get("/api/users/me", alice.auth()).status == 401);
    }
}

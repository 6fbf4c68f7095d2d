// The upload's albumId field: the new asset (or, for a duplicate, the existing one) joins the caller's album;
// another user's album is 404 and nothing is kept.
#include <doctest/doctest.h>

#include "app_fixture.hpp"
#include "upload_support.hpp"

using namespace obscura;
using namespace obscura::test;

TEST_SUITE("upload.album") {
    TEST_CASE("albumId puts the upload into the caller's album; another user's album is 404") {
        AppFixture fx(fastAuth());
        HttpClient http(fx.port());
        auto alice = firstUser(http, "alice");
        auto bob = otherUser(http, alice, "bob");
        auto album = postJson(http, "/api/albums", {{"albumName", "Trip"}}, alice.auth());
        REQUIRE(album.status == 201);
        const std::string albumId = bodyOf(album)["id"];

        const std::string jpeg = Fixtures::get().bytes("exif.jpg");
        auto first = upload(http, alice, "a.jpg", jpeg, {{"albumId", albumId}});
        REQUIRE(first.status == 201);
        const std::string assetId = bodyOf(first)["id"];
        auto view = bodyOf(http.get("/api/albums/" + albumId, alice.auth()));
        CHECK(view["assetCount"] == 1);
        CHECK(view["assets"][0]["id"] == assetId);

        // A duplicate upload into a second album joins that one too.
        auto second =
            bodyOf(postJson(http, "/api/albums", {{"albumName", "Best of"}}, alice.auth()))["id"].get<std::string>();
        auto again = upload(http, alice, "a.jpg", jpeg, {{"albumId", second}});
        CHECK(again.status == 200);
        CHECK(bodyOf(again)["status"] == "duplicate");
        CHECK(bodyOf(http.get("/api/albums/" + second, alice.auth()))["assetCount"] == 1);

        // Bob cannot upload into Alice's album, and his file is not kept.
        auto refused = upload(http, bob, "b.png", Fixtures::get().bytes("plain.png"), {{"albumId", albumId}});
        CHECK(refused.status == 404);
        CHECK(bodyOf(http.get("/api/assets/statistics", bob.auth()))["total"] == 0);
        CHECK(bodyOf(http.get("/api/albums/" + albumId, alice.auth()))["assetCount"] == 1);
        CHECK(upload(http, alice, "c.jpg", jpeg, {{"albumId", "not-a-uuid"}}).status == 422);
    }
}

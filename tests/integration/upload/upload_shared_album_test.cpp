// Uploading into someone else's album (DESIGN.md section 7): an editor's upload with albumId joins the album and
// stays the editor's — their asset, their quota, their usage; a viewer's is 403 and nothing is kept.
#include <doctest/doctest.h>

#include "app_fixture.hpp"
#include "upload_support.hpp"

using namespace obscura;
using namespace obscura::test;

namespace {

std::string sharedAlbum(HttpClient& http, const User& owner, const User& editor, const User& viewer) {
    auto album = postJson(http, "/api/albums", {{"albumName", "Family"}}, owner.auth());
    REQUIRE(album.status == 201);
    const std::string id = bodyOf(album)["id"];
    auto shared = sendJson(
        http, "PUT", "/api/albums/" + id + "/users",
        {{"albumUsers", {{{"userId", editor.id}, {"role", "editor"}}, {{"userId", viewer.id}, {"role", "viewer"}}}}},
        owner.auth());
    REQUIRE_MESSAGE(shared.status == 200, shared.body);
    return id;
}

// Alice's album with Bob as its editor and Carol as its viewer.
struct SharedAlbumWorld {
    AppFixture fx{fastAuth()};
    HttpClient http{fx.port()};
    User alice = firstUser(http, "alice");
    User bob = otherUser(http, alice, "bob");
    User carol = otherUser(http, alice, "carol");
    std::string albumId = sharedAlbum(http, alice, bob, carol);
};

std::int64_t bytesOf(HttpClient& http, const User& user) {
    return bodyOf(http.get("/api/users/me/usage", user.auth()))["bytesOriginals"].get<std::int64_t>();
}

}  // namespace

TEST_SUITE("upload.shared_album") {
    TEST_CASE("an editor's upload into a shared album is the editor's and counts in the editor's quota") {
        SharedAlbumWorld w;
        auto& [fx, http, alice, bob, carol, albumId] = w;
        (void)fx;
        const std::string jpeg = Fixtures::get().bytes("exif.jpg");

        auto r = upload(http, bob, "b.jpg", jpeg, {{"albumId", albumId}});
        REQUIRE_MESSAGE(r.status == 201, r.body);
        const std::string assetId = bodyOf(r)["id"];
        CHECK(bytesOf(http, bob) == static_cast<std::int64_t>(jpeg.size()));
        CHECK(bytesOf(http, alice) == 0);
        CHECK(bodyOf(http.get("/api/assets/" + assetId, bob.auth()))["id"] == assetId);

        // Everyone on the album sees it; only Bob may change it.
        auto view = bodyOf(http.get("/api/albums/" + albumId, carol.auth()));
        REQUIRE(view["assets"].size() == 1);
        CHECK(view["assets"][0]["id"] == assetId);
        CHECK(http.get("/api/assets/" + assetId + "/original", alice.auth()).status == 200);
        CHECK(sendJson(http, "PATCH", "/api/assets/" + assetId, {{"title", "mine"}}, alice.auth()).status == 403);

        // With Bob's quota used up, his upload into Alice's album is refused though Alice has room.
        auto quota = sendJson(http, "PATCH", "/api/admin/users/" + bob.id,
                              {{"quotaBytes", static_cast<std::int64_t>(jpeg.size())}}, alice.auth());
        REQUIRE(quota.status == 200);
        auto full = upload(http, bob, "c.png", Fixtures::get().bytes("plain.png"), {{"albumId", albumId}});
        CHECK(full.status == 507);
        CHECK(bodyOf(http.get("/api/albums/" + albumId, alice.auth()))["assetCount"] == 1);
    }

    TEST_CASE("a viewer's upload into the album is 403 and nothing is kept") {
        SharedAlbumWorld w;
        auto& [fx, http, alice, bob, carol, albumId] = w;
        (void)fx;
        auto refused = upload(http, carol, "c.jpg", Fixtures::get().bytes("exif.jpg"), {{"albumId", albumId}});
        CHECK(refused.status == 403);
        CHECK(errorCode(refused) == "forbidden");
        CHECK(bodyOf(http.get("/api/assets/statistics", carol.auth()))["total"] == 0);
        CHECK(bodyOf(http.get("/api/albums/" + albumId, alice.auth()))["assetCount"] == 0);
    }
}

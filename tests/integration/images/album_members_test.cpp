// Album members through HTTP (DESIGN.md section 7): what the owner, an editor, a viewer and a stranger get on
// every album route, the sharing fields of the album object, bad shares, and a removal that takes effect on the
// very next request.
#include <doctest/doctest.h>

#include "sharing_api.hpp"

using namespace obscura;
using namespace obscura::test;

TEST_SUITE("images.album_members") {
    TEST_CASE("members see the shared album with their role; a stranger gets 404 on every album route") {
        AlbumFamily f;
        const auto photo = insertAsset(f.fx.app(), f.alice.id);
        const auto id = f.album(f.alice, "Summer");
        REQUIRE(f.send("PUT", "/api/albums/" + id + "/assets", {{"ids", {photo.id}}}, f.alice).status == 200);
        REQUIRE(f.share(id, f.bob, "editor").status == 200);
        auto shared = f.share(id, f.carol, "viewer");
        REQUIRE(shared.status == 200);
        auto body = bodyOf(shared);
        CHECK(body["myRole"] == "owner");
        CHECK(body["shared"] == true);
        CHECK(body["owner"]["id"] == f.alice.id);
        CHECK(body["owner"]["username"] == "alice");
        CHECK(body["owner"].contains("avatarUrl"));
        CHECK_FALSE(body["owner"].contains("email"));
        REQUIRE(body["albumUsers"].size() == 2);
        CHECK(body["albumUsers"][0]["user"]["id"] == f.bob.id);
        CHECK(body["albumUsers"][0]["role"] == "editor");
        CHECK(body["albumUsers"][1]["role"] == "viewer");
        CHECK(body["albumGroups"] == nlohmann::json::array());
        CHECK(body["parentId"].is_null());

        auto bobs = bodyOf(f.get("/api/albums/" + id, f.bob));
        CHECK(bobs["myRole"] == "editor");
        REQUIRE(bobs["assets"].size() == 1);
        CHECK(bobs["assets"][0]["id"] == photo.id);
        CHECK(bodyOf(f.get("/api/albums/" + id, f.carol))["myRole"] == "viewer");

        // Shared with me / by me; a member's own listing holds only their albums.
        auto withBob = bodyOf(f.get("/api/albums?shared=true", f.bob));
        REQUIRE(withBob.size() == 1);
        CHECK(withBob[0]["id"] == id);
        CHECK(withBob[0]["myRole"] == "editor");
        auto byAlice = bodyOf(f.get("/api/albums?shared=true", f.alice));
        REQUIRE(byAlice.size() == 1);
        CHECK(byAlice[0]["myRole"] == "owner");
        CHECK(bodyOf(f.get("/api/albums?shared=true", f.dave)) == nlohmann::json::array());
        CHECK(bodyOf(f.get("/api/albums", f.bob)) == nlohmann::json::array());

        // The stranger: 404 on every route that names the album, whatever the body.
        const std::string base = "/api/albums/" + id;
        CHECK(f.get(base, f.dave).status == 404);
        CHECK(f.send("PATCH", base, {{"albumName", "x"}}, f.dave).status == 404);
        CHECK(f.remove(base, f.dave).status == 404);
        CHECK(f.send("PUT", base + "/assets", {{"ids", {photo.id}}}, f.dave).status == 404);
        CHECK(f.send("DELETE", base + "/assets", {{"ids", {photo.id}}}, f.dave).status == 404);
        CHECK(f.share(id, f.dave, "editor", &f.dave).status == 404);
        CHECK(f.send("PATCH", base + "/user/" + f.bob.id, {{"role", "viewer"}}, f.dave).status == 404);
        CHECK(f.remove(base + "/user/me", f.dave).status == 404);
        CHECK(f.send("PUT", base + "/groups", {{"albumGroups", nlohmann::json::array()}}, f.dave).status == 404);
        CHECK(f.get("/api/assets/" + photo.id, f.dave).status == 404);
        CHECK(f.get("/api/albums?parentId=" + id, f.dave).status == 404);
    }

    TEST_CASE("a viewer sees and downloads but cannot rename, delete, share or add: 403, nothing changed") {
        AlbumFamily f;
        const auto photo = insertAsset(f.fx.app(), f.alice.id);
        writeAssetFiles(f.fx.app(), photo);
        const auto carols = insertAsset(f.fx.app(), f.carol.id);
        const auto id = f.album(f.alice, "Summer");
        REQUIRE(f.send("PUT", "/api/albums/" + id + "/assets", {{"ids", {photo.id}}}, f.alice).status == 200);
        REQUIRE(f.share(id, f.carol, "viewer").status == 200);
        REQUIRE(f.share(id, f.bob, "editor").status == 200);
        const std::string base = "/api/albums/" + id;

        for (const auto& r : {f.send("PATCH", base, {{"albumName", "Mine"}}, f.carol), f.remove(base, f.carol),
                              f.send("PUT", base + "/assets", {{"ids", {carols.id}}}, f.carol),
                              f.send("DELETE", base + "/assets", {{"ids", {photo.id}}}, f.carol),
                              f.share(id, f.dave, "viewer", &f.carol),
                              f.send("PATCH", base + "/user/" + f.bob.id, {{"role", "viewer"}}, f.carol),
                              f.remove(base + "/user/" + f.bob.id, f.carol),
                              f.send("PUT", base + "/groups", {{"albumGroups", nlohmann::json::array()}}, f.carol)}) {
            CHECK(r.status == 403);
            CHECK(errorCode(r) == "forbidden");
        }
        // An editor may add, but only the owner renames, deletes or shares.
        CHECK(f.send("PATCH", base, {{"albumName", "Mine"}}, f.bob).status == 403);
        CHECK(f.remove(base, f.bob).status == 403);
        CHECK(f.share(id, f.dave, "viewer", &f.bob).status == 403);
        auto album = bodyOf(f.get(base, f.alice));
        CHECK(album["albumName"] == "Summer");
        CHECK(album["assetCount"] == 1);
        CHECK(album["albumUsers"].size() == 2);

        // The album's assets through the seam: visible, downloadable, not changeable.
        CHECK(f.get("/api/assets/" + photo.id, f.carol).status == 200);
        CHECK(f.get("/api/assets/" + photo.id + "/original", f.carol).status == 200);
        CHECK(errorCode(f.get("/api/assets/" + photo.id + "/thumbnail", f.carol)) == "not_ready");
        CHECK(f.send("PATCH", "/api/assets/" + photo.id, {{"title", "x"}}, f.carol).status == 403);
        CHECK(f.remove("/api/assets/" + photo.id, f.carol).status == 403);

        // The owner forbids downloads: originals are 403 to members, still 200 to the owner.
        auto off = f.send("PATCH", base, {{"allowDownload", false}}, f.alice);
        REQUIRE(off.status == 200);
        CHECK(bodyOf(off)["allowDownload"] == false);
        CHECK(f.get("/api/assets/" + photo.id + "/original", f.carol).status == 403);
        CHECK(f.get("/api/assets/" + photo.id, f.carol).status == 200);
        CHECK(f.get("/api/assets/" + photo.id + "/original", f.alice).status == 200);
    }

    TEST_CASE("an editor adds their own assets and removes only those; others' ids answer not_found") {
        AlbumFamily f;
        const auto alices = insertAsset(f.fx.app(), f.alice.id);
        const auto bobs = insertAsset(f.fx.app(), f.bob.id, kJuly2021Us + kDayUs);
        const auto daves = insertAsset(f.fx.app(), f.dave.id);
        const auto id = f.album(f.alice, "Summer");
        REQUIRE(f.send("PUT", "/api/albums/" + id + "/assets", {{"ids", {alices.id}}}, f.alice).status == 200);
        REQUIRE(f.share(id, f.bob, "editor").status == 200);

        auto added = bodyOf(f.send("PUT", "/api/albums/" + id + "/assets", {{"ids", {bobs.id, daves.id}}}, f.bob));
        CHECK(added[0]["success"] == true);
        CHECK(added[1]["success"] == false);
        CHECK(added[1]["error"] == "not_found");
        auto view = bodyOf(f.get("/api/albums/" + id, f.alice));
        CHECK(view["assetCount"] == 2);
        CHECK(view["assets"][0]["id"] == bobs.id);  // newest first, whoever owns it
        CHECK(f.get("/api/assets/" + bobs.id, f.alice).status == 200);

        auto removed =
            bodyOf(f.send("DELETE", "/api/albums/" + id + "/assets", {{"ids", {alices.id, bobs.id}}}, f.bob));
        CHECK(removed[0]["error"] == "not_found");
        CHECK(removed[1]["success"] == true);
        CHECK(bodyOf(f.get("/api/albums/" + id, f.alice))["assetCount"] == 1);
        CHECK(f.get("/api/assets/" + bobs.id, f.alice).status == 404);  // out of the album, out of reach
    }

    TEST_CASE("a removed member loses access on the very next request; a member may leave") {
        AlbumFamily f;
        const auto photo = insertAsset(f.fx.app(), f.alice.id);
        writeAssetFiles(f.fx.app(), photo);
        const auto id = f.album(f.alice, "Summer");
        REQUIRE(f.send("PUT", "/api/albums/" + id + "/assets", {{"ids", {photo.id}}}, f.alice).status == 200);
        REQUIRE(f.share(id, f.carol, "viewer").status == 200);
        REQUIRE(f.share(id, f.bob, "editor").status == 200);
        REQUIRE(f.get("/api/albums/" + id, f.carol).status == 200);
        REQUIRE(f.get("/api/assets/" + photo.id + "/original", f.carol).status == 200);

        REQUIRE(f.remove("/api/albums/" + id + "/user/" + f.carol.id, f.alice).status == 204);
        CHECK(f.get("/api/albums/" + id, f.carol).status == 404);
        CHECK(f.get("/api/assets/" + photo.id + "/original", f.carol).status == 404);
        CHECK(f.get("/api/assets/" + photo.id, f.carol).status == 404);
        CHECK(bodyOf(f.get("/api/albums?shared=true", f.carol)) == nlohmann::json::array());
        CHECK(f.remove("/api/albums/" + id + "/user/" + f.carol.id, f.alice).status == 404);

        REQUIRE(f.remove("/api/albums/" + id + "/user/me", f.bob).status == 204);
        CHECK(f.get("/api/albums/" + id, f.bob).status == 404);
        auto ownerLeaves = f.remove("/api/albums/" + id + "/user/me", f.alice);
        CHECK(ownerLeaves.status == 422);
        CHECK(errorCode(ownerLeaves) == "owner_cannot_leave");
        CHECK(bodyOf(f.get("/api/albums/" + id, f.alice))["shared"] == false);
    }

    TEST_CASE("bad shares each answer their own code and change nothing") {
        AlbumFamily f;
        const auto id = f.album(f.alice, "Summer");
        REQUIRE(f.send("PATCH", "/api/admin/users/" + f.dave.id, {{"disabled", true}}, f.alice).status == 200);
        REQUIRE(f.share(id, f.carol, "viewer").status == 200);
        const std::string users = "/api/albums/" + id + "/users";
        auto with = [&](nlohmann::json albumUsers) {
            return f.send("PUT", users, {{"albumUsers", albumUsers}}, f.alice);
        };
        const nlohmann::json bob = {{"userId", f.bob.id}, {"role", "editor"}};

        auto self = with({bob, {{"userId", f.alice.id}}});
        CHECK(self.status == 422);
        CHECK(errorCode(self) == "share_with_self");
        CHECK(errorCode(with({bob, {{"userId", "0b7e35fa-3f1a-4a3e-9c55-3b1f0c1f1e99"}}})) == "unknown_user");
        CHECK(errorCode(with({bob, {{"userId", f.dave.id}}})) == "unknown_user");  // disabled
        CHECK(errorCode(with({bob, bob})) == "duplicate_member");
        auto role = with({{{"userId", f.bob.id}, {"role", "admin"}}});
        CHECK(role.status == 422);
        CHECK(errorCode(role) == "unknown_role");
        auto again = with({bob, {{"userId", f.carol.id}}});
        CHECK(again.status == 409);
        CHECK(errorCode(again) == "already_member");
        CHECK(with("nope").status == 400);
        CHECK(with({{{"userId", 5}}}).status == 400);
        CHECK(f.send("PUT", users, nlohmann::json::object(), f.alice).status == 400);

        auto album = bodyOf(f.get("/api/albums/" + id, f.alice));
        REQUIRE(album["albumUsers"].size() == 1);  // Carol only: every refused body named Bob
        CHECK(f.get("/api/albums/" + id, f.bob).status == 404);

        // Changing a role: the owner only, a known role, a member.
        const std::string carol = "/api/albums/" + id + "/user/" + f.carol.id;
        auto promoted = f.send("PATCH", carol, {{"role", "editor"}}, f.alice);
        REQUIRE(promoted.status == 200);
        CHECK(bodyOf(promoted)["albumUsers"][0]["role"] == "editor");
        CHECK(bodyOf(f.get("/api/albums/" + id, f.carol))["myRole"] == "editor");
        CHECK(errorCode(f.send("PATCH", carol, {{"role", "owner"}}, f.alice)) == "unknown_role");
        CHECK(f.send("PATCH", carol, nlohmann::json::object(), f.alice).status == 400);
        CHECK(f.send("PATCH", "/api/albums/" + id + "/user/" + f.bob.id, {{"role", "viewer"}}, f.alice).status == 404);
    }

    TEST_CASE("deleting a user removes their memberships") {
        AlbumFamily f;
        const auto id = f.album(f.alice, "Summer");
        REQUIRE(f.share(id, f.bob, "editor").status == 200);
        REQUIRE(f.remove("/api/admin/users/" + f.bob.id, f.alice).status == 204);
        auto album = bodyOf(f.get("/api/albums/" + id, f.alice));
        CHECK(album["albumUsers"] == nlohmann::json::array());
        CHECK(album["shared"] == false);
    }
}

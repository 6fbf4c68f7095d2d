// Nested albums through HTTP (DESIGN.md section 7, beyond Immich): parentId at creation and by PATCH, children
// listed with ?parentId=, a cycle refused with 409, roles inherited down the tree, and a deleted parent's
// children moving up to its own parent.
#include <doctest/doctest.h>

#include "sharing_api.hpp"

using namespace obscura;
using namespace obscura::test;

namespace {

std::vector<std::string> idsOfAlbums(const nlohmann::json& albums) {
    std::vector<std::string> ids;
    for (const auto& a : albums) ids.push_back(a["id"]);
    return ids;
}

}  // namespace

TEST_SUITE("images.nested_albums") {
    TEST_CASE("children are listed under their parent; the parent must be the owner's; a cycle is 409") {
        AlbumFamily f;
        const auto trips = f.album(f.alice, "Trips");
        const auto italy = f.album(f.alice, "Italy", trips);
        const auto rome = f.album(f.alice, "Rome", italy);
        const auto france = f.album(f.alice, "France", trips);
        CHECK(bodyOf(f.get("/api/albums/" + rome, f.alice))["parentId"] == italy);
        CHECK(idsOfAlbums(bodyOf(f.get("/api/albums?parentId=" + trips, f.alice))) ==
              std::vector<std::string>{france, italy});
        CHECK(bodyOf(f.get("/api/albums?parentId=" + rome, f.alice)) == nlohmann::json::array());
        CHECK(f.get("/api/albums?parentId=nope", f.alice).status == 400);
        CHECK(bodyOf(f.get("/api/albums", f.alice)).size() == 4);  // the plain listing holds every level

        const auto bobs = f.album(f.bob, "Bob's");
        auto foreign = postJson(f.http, "/api/albums", {{"albumName", "X"}, {"parentId", bobs}}, f.alice.auth());
        CHECK(foreign.status == 422);
        CHECK(errorCode(foreign) == "unknown_parent");
        CHECK(errorCode(f.send("PATCH", "/api/albums/" + rome, {{"parentId", bobs}}, f.alice)) == "unknown_parent");
        CHECK(f.send("PATCH", "/api/albums/" + rome, {{"parentId", 5}}, f.alice).status == 400);

        auto cycle = f.send("PATCH", "/api/albums/" + trips, {{"parentId", rome}}, f.alice);
        CHECK(cycle.status == 409);
        CHECK(errorCode(cycle) == "album_cycle");
        CHECK(f.send("PATCH", "/api/albums/" + trips, {{"parentId", trips}}, f.alice).status == 409);
        CHECK(bodyOf(f.get("/api/albums/" + trips, f.alice))["parentId"].is_null());

        auto moved = f.send("PATCH", "/api/albums/" + rome, {{"parentId", france}}, f.alice);
        REQUIRE(moved.status == 200);
        CHECK(bodyOf(moved)["parentId"] == france);
        auto top = f.send("PATCH", "/api/albums/" + rome, {{"parentId", nullptr}}, f.alice);
        REQUIRE(top.status == 200);
        CHECK(bodyOf(top)["parentId"].is_null());
    }

    TEST_CASE("members of a parent hold the same role on its descendants") {
        AlbumFamily f;
        const auto trips = f.album(f.alice, "Trips");
        const auto italy = f.album(f.alice, "Italy", trips);
        const auto rome = f.album(f.alice, "Rome", italy);
        REQUIRE(f.share(italy, f.bob, "editor").status == 200);
        CHECK(bodyOf(f.get("/api/albums/" + rome, f.bob))["myRole"] == "editor");
        CHECK(bodyOf(f.get("/api/albums/" + rome, f.alice))["shared"] == true);
        CHECK(f.get("/api/albums/" + trips, f.bob).status == 404);
        auto children = bodyOf(f.get("/api/albums?parentId=" + italy, f.bob));
        REQUIRE(children.size() == 1);
        CHECK(children[0]["id"] == rome);
        CHECK(children[0]["myRole"] == "editor");
        CHECK(f.get("/api/albums?parentId=" + trips, f.bob).status == 404);
        auto shared = idsOfAlbums(bodyOf(f.get("/api/albums?shared=true", f.bob)));
        CHECK(shared == std::vector<std::string>{rome, italy});

        // Moving Rome out of Italy takes Bob's inherited role away at once; only the owner moves albums.
        CHECK(f.send("PATCH", "/api/albums/" + rome, {{"parentId", nullptr}}, f.bob).status == 403);
        REQUIRE(f.send("PATCH", "/api/albums/" + rome, {{"parentId", trips}}, f.alice).status == 200);
        CHECK(f.get("/api/albums/" + rome, f.bob).status == 404);
    }

    TEST_CASE("deleting a parent moves its children up to its own parent") {
        AlbumFamily f;
        const auto trips = f.album(f.alice, "Trips");
        const auto italy = f.album(f.alice, "Italy", trips);
        const auto rome = f.album(f.alice, "Rome", italy);
        const auto milan = f.album(f.alice, "Milan", italy);
        REQUIRE(f.remove("/api/albums/" + italy, f.alice).status == 204);
        CHECK(bodyOf(f.get("/api/albums/" + rome, f.alice))["parentId"] == trips);
        CHECK(idsOfAlbums(bodyOf(f.get("/api/albums?parentId=" + trips, f.alice))) ==
              std::vector<std::string>{milan, rome});
        REQUIRE(f.remove("/api/albums/" + trips, f.alice).status == 204);
        CHECK(bodyOf(f.get("/api/albums/" + milan, f.alice))["parentId"].is_null());
    }
}

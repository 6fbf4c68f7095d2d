// Groups of users through HTTP (DESIGN.md section 7, beyond Immich): who sees and changes a group, albums shared
// with a group reaching present and future members, and a seat removed taking access with it at once.
#include <doctest/doctest.h>

#include "sharing_api.hpp"

using namespace obscura;
using namespace obscura::test;

namespace {

std::string newGroup(AlbumFamily& f, const Account& owner, const std::string& name,
                     const std::vector<std::string>& userIds) {
    auto r = postJson(f.http, "/api/groups", {{"name", name}}, owner.auth());
    REQUIRE_MESSAGE(r.status == 201, r.body);
    const std::string id = bodyOf(r)["id"];
    auto members = f.send("PUT", "/api/groups/" + id + "/members", {{"userIds", userIds}}, owner);
    REQUIRE_MESSAGE(members.status == 200, members.body);
    return id;
}

}  // namespace

TEST_SUITE("images.groups") {
    TEST_CASE("a group is its owner's to change; members see it (403 to change); strangers get 404") {
        AlbumFamily f;
        auto created = postJson(f.http, "/api/groups", {{"name", "AlbumFamily"}}, f.alice.auth());
        REQUIRE(created.status == 201);
        auto body = bodyOf(created);
        CHECK(body["name"] == "AlbumFamily");
        CHECK(body["ownerId"] == f.alice.id);
        CHECK(body["myRole"] == "owner");
        CHECK(body["members"] == nlohmann::json::array());
        const std::string id = body["id"];
        const std::string path = "/api/groups/" + id;

        auto members = f.send("PUT", path + "/members", {{"userIds", {f.carol.id, f.bob.id}}}, f.alice);
        REQUIRE(members.status == 200);
        REQUIRE(bodyOf(members)["members"].size() == 2);
        CHECK(bodyOf(members)["members"][0]["username"] == "bob");
        CHECK_FALSE(bodyOf(members)["members"][0].contains("email"));

        auto seen = f.get(path, f.bob);
        REQUIRE(seen.status == 200);
        CHECK(bodyOf(seen)["myRole"] == "member");
        CHECK(bodyOf(f.get("/api/groups", f.bob)).size() == 1);
        CHECK(f.send("PATCH", path, {{"name", "Mine"}}, f.bob).status == 403);
        CHECK(f.send("PUT", path + "/members", {{"userIds", {f.bob.id}}}, f.bob).status == 403);
        CHECK(f.remove(path, f.bob).status == 403);
        CHECK(f.get(path, f.dave).status == 404);
        CHECK(f.send("PATCH", path, {{"name", "Mine"}}, f.dave).status == 404);
        CHECK(f.remove(path, f.dave).status == 404);
        CHECK(bodyOf(f.get("/api/groups", f.dave)) == nlohmann::json::array());

        auto renamed = f.send("PATCH", path, {{"name", "The family"}}, f.alice);
        REQUIRE(renamed.status == 200);
        CHECK(bodyOf(renamed)["name"] == "The family");
        CHECK(bodyOf(renamed)["members"].size() == 2);

        // Bad bodies: each its code, the members as they were.
        CHECK(errorCode(f.send("PUT", path + "/members", {{"userIds", {f.dave.id, f.dave.id}}}, f.alice)) ==
              "duplicate_member");
        CHECK(errorCode(f.send("PUT", path + "/members", {{"userIds", {f.dave.id, "nobody"}}}, f.alice)) ==
              "unknown_user");
        CHECK(f.send("PUT", path + "/members", {{"userIds", "x"}}, f.alice).status == 400);
        CHECK(f.send("PATCH", path, {{"name", ""}}, f.alice).status == 422);
        CHECK(postJson(f.http, "/api/groups", nlohmann::json::object(), f.alice.auth()).status == 400);
        CHECK(bodyOf(f.get(path, f.alice))["members"].size() == 2);

        REQUIRE(f.remove(path, f.alice).status == 204);
        CHECK(f.get(path, f.alice).status == 404);
        CHECK(f.get(path, f.bob).status == 404);
    }

    TEST_CASE("an album shared with a group reaches present and future members; a removed seat is 404 at once") {
        AlbumFamily f;
        const auto photo = insertAsset(f.fx.app(), f.alice.id);
        const auto album = f.album(f.alice, "AlbumFamily");
        REQUIRE(f.send("PUT", "/api/albums/" + album + "/assets", {{"ids", {photo.id}}}, f.alice).status == 200);
        const auto group = newGroup(f, f.alice, "AlbumFamily", {f.carol.id});
        auto shared = f.send("PUT", "/api/albums/" + album + "/groups",
                             {{"albumGroups", {{{"groupId", group}, {"role", "viewer"}}}}}, f.alice);
        REQUIRE_MESSAGE(shared.status == 200, shared.body);
        REQUIRE(bodyOf(shared)["albumGroups"].size() == 1);
        CHECK(bodyOf(shared)["albumGroups"][0]["group"]["id"] == group);
        CHECK(bodyOf(shared)["albumGroups"][0]["role"] == "viewer");
        CHECK(bodyOf(shared)["shared"] == true);

        CHECK(bodyOf(f.get("/api/albums/" + album, f.carol))["myRole"] == "viewer");
        CHECK(f.get("/api/assets/" + photo.id, f.carol).status == 200);
        CHECK(f.remove("/api/albums/" + album, f.carol).status == 403);
        CHECK(f.get("/api/albums/" + album, f.bob).status == 404);

        // A future member gets in; a removed seat is out on the very next request.
        REQUIRE(
            f.send("PUT", "/api/groups/" + group + "/members", {{"userIds", {f.carol.id, f.bob.id}}}, f.alice).status ==
            200);
        CHECK(f.get("/api/albums/" + album, f.bob).status == 200);
        REQUIRE(f.send("PUT", "/api/groups/" + group + "/members", {{"userIds", {f.bob.id}}}, f.alice).status == 200);
        CHECK(f.get("/api/albums/" + album, f.carol).status == 404);
        CHECK(f.get("/api/assets/" + photo.id, f.carol).status == 404);

        // Someone else's group, an unknown role: refused, the share as it was.
        const auto bobs = newGroup(f, f.bob, "Bob's", {f.dave.id});
        auto foreign = f.send("PUT", "/api/albums/" + album + "/groups",
                              {{"albumGroups", {{{"groupId", bobs}, {"role", "viewer"}}}}}, f.alice);
        CHECK(foreign.status == 422);
        CHECK(errorCode(foreign) == "unknown_group");
        CHECK(errorCode(f.send("PUT", "/api/albums/" + album + "/groups",
                               {{"albumGroups", {{{"groupId", group}, {"role", "boss"}}}}}, f.alice)) ==
              "unknown_role");
        CHECK(f.get("/api/albums/" + album, f.dave).status == 404);
        CHECK(f.get("/api/albums/" + album, f.bob).status == 200);

        // PUT replaces the album's groups: [] stops them all. Deleting a group does the same.
        REQUIRE(f.send("PUT", "/api/albums/" + album + "/groups", {{"albumGroups", nlohmann::json::array()}}, f.alice)
                    .status == 200);
        CHECK(f.get("/api/albums/" + album, f.bob).status == 404);
        REQUIRE(f.send("PUT", "/api/albums/" + album + "/groups",
                       {{"albumGroups", {{{"groupId", group}, {"role", "editor"}}}}}, f.alice)
                    .status == 200);
        CHECK(bodyOf(f.get("/api/albums/" + album, f.bob))["myRole"] == "editor");
        REQUIRE(f.remove("/api/groups/" + group, f.alice).status == 204);
        CHECK(f.get("/api/albums/" + album, f.bob).status == 404);
        CHECK(bodyOf(f.get("/api/albums/" + album, f.alice))["albumGroups"] == nlohmann::json::array());
    }
}

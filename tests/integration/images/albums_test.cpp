// Albums (Immich's shapes) and POST /api/assets/bulk-upload-check through HTTP.
#include <doctest/doctest.h>

#include "app_fixture.hpp"
#include "images_api.hpp"

using namespace obscura;
using namespace obscura::test;

namespace {

nlohmann::json makeAlbum(HttpClient& http, const Account& who, nlohmann::json body) {
    auto r = postJson(http, "/api/albums", body, who.auth());
    REQUIRE_MESSAGE(r.status == 201, r.body);
    return bodyOf(r);
}

}  // namespace

TEST_SUITE("images.albums") {
    TEST_CASE("album CRUD in Immich's shapes: array listing, count, cover, assets newest first, delete") {
        AppFixture fx(fastAuth());
        HttpClient http(fx.port());
        auto alice = firstAccount(http, "alice");
        auto old = insertAsset(fx.app(), alice.id, kJuly2021Us);
        auto recent = insertAsset(fx.app(), alice.id, kJuly2021Us + kDayUs, [](auto& a) { a.isArchived = true; });

        auto album = makeAlbum(http, alice, {{"albumName", "Trip"}, {"description", "Summer"}, {"assetIds", {old.id}}});
        CHECK(album["albumName"] == "Trip");
        CHECK(album["description"] == "Summer");
        CHECK(album["assetCount"] == 1);
        CHECK(album["albumThumbnailAssetId"] == old.id);
        for (const char* key : {"id", "createdAt", "updatedAt"}) CHECK(album[key].is_string());
        const std::string id = album["id"];

        auto listed = bodyOf(http.get("/api/albums", alice.auth()));
        REQUIRE(listed.is_array());
        REQUIRE(listed.size() == 1);
        CHECK(listed[0]["id"] == id);

        auto added = bodyOf(sendJson(http, "PUT", "/api/albums/" + id + "/assets",
                                     {{"ids", {recent.id, recent.id, old.id}}}, alice.auth()));
        CHECK(added == nlohmann::json::parse(R"([{"id":")" + recent.id + R"(","success":true},{"id":")" + recent.id +
                                             R"(","success":false,"error":"duplicate"},{"id":")" + old.id +
                                             R"(","success":false,"error":"duplicate"}])"));

        auto one = bodyOf(http.get("/api/albums/" + id, alice.auth()));
        CHECK(one["assetCount"] == 2);
        REQUIRE(one["assets"].size() == 2);
        CHECK(one["assets"][0]["id"] == recent.id);  // newest first; archived assets stay in their albums
        CHECK(one["assets"][1]["id"] == old.id);
        CHECK_FALSE(bodyOf(http.get("/api/albums/" + id + "?withoutAssets=true", alice.auth())).contains("assets"));
        CHECK(idsOf(bodyOf(http.get("/api/assets?albumId=" + id + "&archived=true", alice.auth()))) ==
              std::vector<std::string>{recent.id});
        CHECK(idsOf(bodyOf(http.get("/api/assets?albumId=" + id, alice.auth()))) == std::vector<std::string>{old.id});

        auto patched = sendJson(http, "PATCH", "/api/albums/" + id,
                                {{"albumName", "Trip 2021"}, {"description", ""}, {"albumThumbnailAssetId", recent.id}},
                                alice.auth());
        REQUIRE(patched.status == 200);
        CHECK(bodyOf(patched)["albumName"] == "Trip 2021");
        CHECK(bodyOf(patched)["description"] == "");
        CHECK(bodyOf(patched)["albumThumbnailAssetId"] == recent.id);
        auto stranger = insertAsset(fx.app(), alice.id);
        CHECK(sendJson(http, "PATCH", "/api/albums/" + id, {{"albumThumbnailAssetId", stranger.id}}, alice.auth())
                  .status == 422);
        CHECK(sendJson(http, "PATCH", "/api/albums/" + id, {{"albumName", ""}}, alice.auth()).status == 422);
        CHECK(sendJson(http, "PATCH", "/api/albums/" + id, {{"albumName", 5}}, alice.auth()).status == 400);
        CHECK(postJson(http, "/api/albums", {{"description", "no name"}}, alice.auth()).status == 400);

        auto removed = bodyOf(
            sendJson(http, "DELETE", "/api/albums/" + id + "/assets", {{"ids", {recent.id, recent.id}}}, alice.auth()));
        CHECK(removed[0]["success"] == true);
        CHECK(removed[1]["success"] == false);
        CHECK(removed[1]["error"] == "not_found");
        auto after = bodyOf(http.get("/api/albums/" + id, alice.auth()));
        CHECK(after["assetCount"] == 1);
        CHECK(after["albumThumbnailAssetId"] == old.id);  // the chosen cover left the album

        CHECK(http.request("DELETE", "/api/albums/" + id, alice.auth()).status == 204);
        CHECK(http.get("/api/albums/" + id, alice.auth()).status == 404);
        CHECK(http.get("/api/assets/" + old.id, alice.auth()).status == 200);  // assets outlive their album
        CHECK(http.get("/api/assets?albumId=" + id, alice.auth()).status == 404);
    }

    TEST_CASE("another user's album is 404 and a body mixing users' ids never touches the other's assets") {
        AppFixture fx(fastAuth());
        HttpClient http(fx.port());
        auto alice = firstAccount(http, "alice");
        auto bob = anotherAccount(http, alice, "bob");
        auto hers = insertAsset(fx.app(), alice.id);
        auto his = insertAsset(fx.app(), bob.id);
        auto herAlbum = makeAlbum(http, alice, {{"albumName", "Hers"}, {"assetIds", {hers.id}}});
        const std::string herId = herAlbum["id"];
        const auto path = "/api/albums/" + herId;

        CHECK(http.get(path, bob.auth()).status == 404);
        CHECK(errorCode(http.get(path, bob.auth())) == "not_found");
        CHECK(sendJson(http, "PATCH", path, {{"albumName", "Mine"}}, bob.auth()).status == 404);
        CHECK(sendJson(http, "PATCH", path, {{"albumName", 5}}, bob.auth()).status == 404);  // 404 before 400
        CHECK(http.request("DELETE", path, bob.auth()).status == 404);
        CHECK(sendJson(http, "PUT", path + "/assets", {{"ids", {his.id}}}, bob.auth()).status == 404);
        CHECK(sendJson(http, "DELETE", path + "/assets", {{"ids", {hers.id}}}, bob.auth()).status == 404);
        CHECK(http.get("/api/assets?albumId=" + herId, bob.auth()).status == 404);
        CHECK(http.get("/api/timeline?albumId=" + herId, bob.auth()).status == 404);
        CHECK(bodyOf(http.get("/api/albums", bob.auth())).empty());

        // Bob's own album with Alice's and his ids: hers is not_found, his joins; her asset stays out of it.
        auto bobsAlbum = makeAlbum(http, bob, {{"albumName", "His"}, {"assetIds", {hers.id, his.id}}});
        CHECK(bobsAlbum["assetCount"] == 1);
        auto mixed = bodyOf(sendJson(http, "PUT", "/api/albums/" + bobsAlbum["id"].get<std::string>() + "/assets",
                                     {{"ids", {hers.id, his.id, "not-a-uuid"}}}, bob.auth()));
        CHECK(mixed[0] == nlohmann::json({{"id", hers.id}, {"success", false}, {"error", "not_found"}}));
        CHECK(mixed[1] == nlohmann::json({{"id", his.id}, {"success", false}, {"error", "duplicate"}}));
        CHECK(mixed[2]["error"] == "not_found");
        auto bobsView = bodyOf(http.get("/api/albums/" + bobsAlbum["id"].get<std::string>(), bob.auth()));
        REQUIRE(bobsView["assets"].size() == 1);
        CHECK(bobsView["assets"][0]["id"] == his.id);

        auto mine = bodyOf(http.get(path, alice.auth()));
        CHECK(mine["albumName"] == "Hers");
        CHECK(mine["assetCount"] == 1);
    }

    TEST_CASE("bulk-upload-check rejects the caller's own duplicates by hex or base64 SHA-1, nobody else's") {
        AppFixture fx(fastAuth());
        HttpClient http(fx.port());
        auto alice = firstAccount(http, "alice");
        auto bob = anotherAccount(http, alice, "bob");
        auto kept = insertAsset(fx.app(), alice.id, kJuly2021Us, [](auto& a) { a.checksum = std::string(40, 'a'); });
        auto binned = insertAsset(fx.app(), alice.id, kJuly2021Us, [](auto& a) {
            a.checksum = "0123456789abcdef0123456789abcdef01234567";
            a.isTrashed = true;
            a.trashedAt = "2024-05-01T00:00:00Z";
            a.trashedAtUs = 1714521600LL * 1000000;
        });
        // base64 of twenty 0xaa bytes, Immich's other form.
        const nlohmann::json body = {{"assets",
                                      {{{"id", "a.jpg"}, {"checksum", "qqqqqqqqqqqqqqqqqqqqqqqqqqo="}},
                                       {{"id", "b.jpg"}, {"checksum", "0123456789ABCDEF0123456789ABCDEF01234567"}},
                                       {{"id", "c.jpg"}, {"checksum", std::string(40, 'c')}}}}};
        auto r = postJson(http, "/api/assets/bulk-upload-check", body, alice.auth());
        REQUIRE(r.status == 200);
        auto results = bodyOf(r)["results"];
        CHECK(results[0] == nlohmann::json({{"id", "a.jpg"},
                                            {"action", "reject"},
                                            {"reason", "duplicate"},
                                            {"assetId", kept.id},
                                            {"isTrashed", false}}));
        CHECK(results[1]["assetId"] == binned.id);
        CHECK(results[1]["isTrashed"] == true);
        CHECK(results[2] == nlohmann::json({{"id", "c.jpg"}, {"action", "accept"}}));

        auto forBob = bodyOf(postJson(http, "/api/assets/bulk-upload-check", body, bob.auth()))["results"];
        for (const auto& item : forBob) CHECK(item["action"] == "accept");
        CHECK(postJson(http, "/api/assets/bulk-upload-check", {{"assets", {{{"id", "x"}, {"checksum", "zz"}}}}},
                       alice.auth())
                  .status == 400);
        CHECK(postJson(http, "/api/assets/bulk-upload-check", {{"nothing", 1}}, alice.auth()).status == 400);
    }
}

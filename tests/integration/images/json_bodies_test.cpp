// The images module's JSON bodies read by the kernel's one reader (JsonBody): the answers that changed when its
// rule replaced the module's own readers (docs/api.md, "Request bodies (JSON)"), and the ones kept on purpose.
#include <doctest/doctest.h>

#include "app_fixture.hpp"
#include "images_api.hpp"
#include "obscura/base/ids.hpp"

using namespace obscura;
using namespace obscura::test;

namespace {

HttpResponse sendAs(HttpClient& http, const std::string& method, const std::string& path, const std::string& type,
                    const std::string& body, const Account& who) {
    return http.request(method, path, {{"Content-Type", type}, who.auth()[0]}, body);
}

}  // namespace

TEST_SUITE("images.json_bodies") {
    TEST_CASE("a JSON body declared as another type is 415 on every images JSON route, and nothing changes") {
        AppFixture fx(fastAuth());
        HttpClient http(fx.port());
        auto alice = firstAccount(http, "alice");
        auto asset = insertAsset(fx.app(), alice.id, kJuly2021Us, [](auto& a) { a.title = "keep"; });
        auto trashed = insertAsset(fx.app(), alice.id, kJuly2021Us, [](auto& a) {
            a.isTrashed = true;
            a.trashedAtUs = kJuly2021Us + kDayUs;
            a.trashedAt = "2021-07-05T10:20:30.000Z";
        });
        auto album = postJson(http, "/api/albums", {{"albumName", "Trip"}}, alice.auth());
        REQUIRE(album.status == 201);
        const std::string albumPath = "/api/albums/" + bodyOf(album)["id"].get<std::string>();
        auto link =
            postJson(http, "/api/shared-links", {{"assetIds", {asset.id}}, {"password", "open sesame"}}, alice.auth());
        REQUIRE(link.status == 201);
        const std::string unlock = "/api/shared/" + bodyOf(link)["key"].get<std::string>() + "/unlock";

        struct Call {
            std::string method;
            std::string path;
            nlohmann::json body;
        };
        const std::vector<Call> calls = {
            {"POST", "/api/albums", {{"albumName", "Other"}}},
            {"PATCH", albumPath, {{"albumName", "Renamed"}}},
            {"PUT", albumPath + "/assets", {{"ids", {asset.id}}}},
            {"DELETE", albumPath + "/assets", {{"ids", {asset.id}}}},
            {"PATCH", "/api/assets/" + asset.id, {{"title", "changed"}}},
            {"POST", "/api/trash/restore", {{"ids", {trashed.id}}}},
            {"POST", "/api/shared-links", {{"assetIds", {asset.id}}}},
            {"POST",
             "/api/assets/bulk-upload-check",
             {{"assets", {{{"id", "x"}, {"checksum", std::string(40, 'a')}}}}}},
            {"POST", unlock, {{"password", "open sesame"}}},
        };
        for (const auto& call : calls) {
            for (const std::string type : {"text/plain", "application/x-www-form-urlencoded"}) {
                auto r = sendAs(http, call.method, call.path, type, call.body.dump(), alice);
                CHECK_MESSAGE(r.status == 415, call.method << " " << call.path << " as " << type << " -> " << r.status);
                CHECK(errorCode(r) == "unsupported_media_type");
            }
        }
        // Nothing was changed by any of them.
        CHECK(bodyOf(http.get("/api/albums", alice.auth())).size() == 1);
        CHECK(bodyOf(http.get(albumPath, alice.auth()))["albumName"] == "Trip");
        CHECK(bodyOf(http.get(albumPath, alice.auth()))["assetCount"] == 0);
        CHECK(bodyOf(http.get("/api/assets/" + asset.id, alice.auth()))["title"] == "keep");
        CHECK(bodyOf(http.get("/api/assets/" + trashed.id, alice.auth()))["isTrashed"] == true);
        CHECK(bodyOf(http.get("/api/shared-links", alice.auth())).size() == 1);
        // The same bodies declared as JSON (or +json, with parameters) are read.
        CHECK(sendAs(http, "PATCH", albumPath, "application/json; charset=utf-8", R"({"albumName":"Renamed"})", alice)
                  .status == 200);
        CHECK(sendAs(http, "PATCH", "/api/assets/" + asset.id, "application/merge-patch+json", R"({"title":"new"})",
                     alice)
                  .status == 200);
    }

    TEST_CASE("a blank body reads as {}: PATCH of an album or an asset answers 200 and changes nothing") {
        AppFixture fx(fastAuth());
        HttpClient http(fx.port());
        auto alice = firstAccount(http, "alice");
        auto asset = insertAsset(fx.app(), alice.id, kJuly2021Us, [](auto& a) { a.title = "keep"; });
        auto album = postJson(http, "/api/albums", {{"albumName", "Trip"}, {"description", "Summer"}}, alice.auth());
        REQUIRE(album.status == 201);
        const std::string albumPath = "/api/albums/" + bodyOf(album)["id"].get<std::string>();
        for (const std::string blank : {"", " \r\n"}) {
            auto patched = sendAs(http, "PATCH", albumPath, "application/json", blank, alice);
            REQUIRE_MESSAGE(patched.status == 200, patched.body);
            CHECK(bodyOf(patched)["albumName"] == "Trip");
            CHECK(bodyOf(patched)["description"] == "Summer");
            auto edited = sendAs(http, "PATCH", "/api/assets/" + asset.id, "application/json", blank, alice);
            REQUIRE_MESSAGE(edited.status == 200, edited.body);
            CHECK(bodyOf(edited)["title"] == "keep");
        }
        // A blank body is {} whatever it is declared as (there is nothing to read).
        CHECK(sendAs(http, "PATCH", albumPath, "text/plain", "", alice).status == 200);
        // Routes with a required field still answer 400 for it.
        auto noName = sendAs(http, "POST", "/api/albums", "application/json", "", alice);
        CHECK(noName.status == 400);
        CHECK(errorCode(noName) == "bad_request");
        CHECK(sendAs(http, "PUT", albumPath + "/assets", "application/json", "", alice).status == 400);
    }

    TEST_CASE("an ids array's type is judged before its length: too many ids holding a non-string is 400") {
        AppFixture fx(fastAuth());
        HttpClient http(fx.port());
        auto alice = firstAccount(http, "alice");
        nlohmann::json ids = nlohmann::json::array();
        for (int i = 0; i < 1001; ++i) ids.push_back(newUuid());
        auto tooMany = postJson(http, "/api/trash/restore", {{"ids", ids}}, alice.auth());
        CHECK(tooMany.status == 422);
        CHECK(errorCode(tooMany) == "invalid");
        ids.back() = 7;
        auto mistyped = postJson(http, "/api/trash/restore", {{"ids", ids}}, alice.auth());
        CHECK(mistyped.status == 400);
        CHECK(errorCode(mistyped) == "bad_request");
    }

    TEST_CASE("kept on purpose: share links read null as absent, and an unreadable checksum is 400 (Immich)") {
        AppFixture fx(fastAuth());
        HttpClient http(fx.port());
        auto alice = firstAccount(http, "alice");
        auto asset = insertAsset(fx.app(), alice.id);
        auto link = postJson(http, "/api/shared-links",
                             {{"albumId", nullptr},
                              {"assetIds", {asset.id}},
                              {"expiresAt", nullptr},
                              {"password", nullptr},
                              {"allowDownload", false}},
                             alice.auth());
        REQUIRE_MESSAGE(link.status == 201, link.body);
        CHECK(bodyOf(link)["expiresAt"].is_null());
        CHECK(bodyOf(link)["allowDownload"] == false);
        // allowDownload has no null meaning: a wrongly typed field, 400.
        CHECK(postJson(http, "/api/shared-links", {{"assetIds", {asset.id}}, {"allowDownload", nullptr}}, alice.auth())
                  .status == 400);
        auto checksum = postJson(http, "/api/assets/bulk-upload-check",
                                 {{"assets", {{{"id", "x"}, {"checksum", "not a sha-1"}}}}}, alice.auth());
        CHECK(checksum.status == 400);
        CHECK(errorCode(checksum) == "bad_request");
    }
}

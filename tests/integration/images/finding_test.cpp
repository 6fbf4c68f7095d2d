// Finding photos again through HTTP (DESIGN.md section 11): GET /api/map/markers, GET /api/memories and the search
// filters of GET /api/search — who sees what (never a stranger's, partners only when asked, archived and trashed
// only when asked), a kept map answer never outliving a change, and a 400 naming the parameter for every bad value.
#include <doctest/doctest.h>

#include <set>

#include "app_fixture.hpp"
#include "images_api.hpp"
#include "obscura/base/rfc3339.hpp"

using namespace obscura;
using namespace obscura::test;
using nlohmann::json;

namespace {

std::set<std::string> markerIds(HttpClient& http, const Account& who, const std::string& query = "") {
    auto r = http.get("/api/map/markers" + query, who.auth());
    REQUIRE_MESSAGE(r.status == 200, query << ": " << r.body);
    std::set<std::string> ids;
    for (const auto& m : bodyOf(r)) ids.insert(m["id"].get<std::string>());
    return ids;
}

void placeAt(storage::AssetRecord& a, double lat, double lon, const std::string& more = "") {
    a.exif = R"({"latitude":)" + std::to_string(lat) + R"(,"longitude":)" + std::to_string(lon) + more + "}";
}

// The 400's message names the parameter.
void refused(HttpClient& http, const Account& who, const std::string& path, const std::string& field) {
    auto r = http.get(path, who.auth());
    CHECK_MESSAGE(r.status == 400, path << ": " << r.body);
    CHECK_MESSAGE(bodyOf(r)["error"]["message"].get<std::string>().find(field) != std::string::npos, path);
}

}  // namespace

TEST_SUITE("images.finding") {
    TEST_CASE(
        "map markers: the caller's positioned live photos; partners, archived only when asked; never a stranger's") {
        Family f;
        auto& app = f.fx.app();
        sharePartner(f.http, f.bob, f.alice, true);  // bob shares with alice, in her timeline
        const auto paris = insertAsset(app, f.alice.id, kJuly2021Us, [](auto& a) { placeAt(a, 48.8584, 2.2945); });
        const auto fav = insertAsset(app, f.alice.id, kJuly2021Us + kDayUs, [](auto& a) {
            placeAt(a, 51.5, -0.12);
            a.isFavorite = true;
        });
        const auto archived = insertAsset(app, f.alice.id, kJuly2021Us, [](auto& a) {
            placeAt(a, 1, 1);
            a.isArchived = true;
        });
        const auto trashed = insertAsset(app, f.alice.id, kJuly2021Us, [](auto& a) {
            placeAt(a, 2, 2);
            a.isTrashed = true;
            a.trashedAt = "2024-05-01T00:00:00Z";
            a.trashedAtUs = 1714521600LL * 1000000;
        });
        insertAsset(app, f.alice.id, kJuly2021Us);  // no position
        const auto bobs = insertAsset(app, f.bob.id, kJuly2021Us, [](auto& a) { placeAt(a, 40.7, -74.0); });
        const auto bobsArchived = insertAsset(app, f.bob.id, kJuly2021Us, [](auto& a) {
            placeAt(a, 3, 3);
            a.isArchived = true;
        });
        const auto carols = insertAsset(app, f.carol.id, kJuly2021Us, [](auto& a) { placeAt(a, 35.6, 139.7); });
        using S = std::set<std::string>;

        auto r = f.http.get("/api/map/markers", f.alice.auth());
        REQUIRE(r.status == 200);
        const auto body = bodyOf(r);
        REQUIRE(body.is_array());
        CHECK(body.size() == 2);
        for (const auto& m : body) {
            CHECK(m.size() == 3);  // compact: {id, lat, lon}
            if (m["id"] == paris.id) {
                CHECK(m["lat"].get<double>() == doctest::Approx(48.8584));
                CHECK(m["lon"].get<double>() == doctest::Approx(2.2945));
            }
        }
        CHECK(markerIds(f.http, f.alice) == S{paris.id, fav.id});
        CHECK(markerIds(f.http, f.alice, "?isFavorite=true") == S{fav.id});
        CHECK(markerIds(f.http, f.alice, "?isArchived=true") == S{paris.id, fav.id, archived.id});
        CHECK(markerIds(f.http, f.alice, "?withPartners=true") == S{paris.id, fav.id, bobs.id});
        CHECK(markerIds(f.http, f.alice, "?from=2021-07-05T00:00:00Z") == S{fav.id});
        CHECK(markerIds(f.http, f.alice, "?fileCreatedBefore=2021-07-05T00:00:00Z") == S{paris.id});
        // bob has not put alice in his timeline (she does not share with him): his own only.
        CHECK(markerIds(f.http, f.bob, "?withPartners=true") == S{bobs.id});
        CHECK(markerIds(f.http, f.carol) == S{carols.id});
        (void)trashed;
        (void)bobsArchived;

        // Asked again after a change, the answer shows it although the map keeps its answers (images.mapCacheBytes
        // is on by default): a change through the API, one straight through the repository (as another replica
        // writes), a partner's new photo and an ended partnership.
        REQUIRE(markerIds(f.http, f.alice) == S{paris.id, fav.id});  // asked twice: this one is the kept answer
        REQUIRE(sendJson(f.http, "PATCH", "/api/assets/" + fav.id, {{"isArchived", true}}, f.alice.auth()).status ==
                200);
        CHECK(markerIds(f.http, f.alice) == S{paris.id});
        REQUIRE(f.http.request("DELETE", "/api/assets/" + paris.id, f.alice.auth()).status == 204);
        CHECK(markerIds(f.http, f.alice).empty());
        const auto later = insertAsset(app, f.alice.id, kJuly2021Us, [](auto& a) { placeAt(a, 10, 10); });
        CHECK(markerIds(f.http, f.alice) == S{later.id});
        REQUIRE(markerIds(f.http, f.alice, "?withPartners=true") == S{later.id, bobs.id});
        REQUIRE(markerIds(f.http, f.alice, "?withPartners=true") == S{later.id, bobs.id});
        const auto bobs2 = insertAsset(app, f.bob.id, kJuly2021Us, [](auto& a) { placeAt(a, 5, 5); });
        CHECK(markerIds(f.http, f.alice, "?withPartners=true") == S{later.id, bobs.id, bobs2.id});
        REQUIRE(f.http.request("DELETE", "/api/partners/" + f.alice.id, f.bob.auth()).status == 204);
        CHECK(markerIds(f.http, f.alice, "?withPartners=true") == S{later.id});

        CHECK(f.http.get("/api/map/markers").status == 401);
        refused(f.http, f.alice, "/api/map/markers?from=yesterday", "from");
        refused(f.http, f.alice, "/api/map/markers?from=2022-01-01T00:00:00Z&to=2021-01-01T00:00:00Z", "from");
        refused(f.http, f.alice, "/api/map/markers?isFavorite=yes", "isFavorite");
        refused(f.http, f.alice, "/api/map/markers?withPartners=1", "withPartners");

        // The tile template reaches the UI with the server's features.
        auto features = bodyOf(f.http.get("/api/server/features"));
        CHECK(features["map"] == true);
        CHECK(features["mapTileUrl"] == "https://tile.openstreetmap.org/{z}/{x}/{y}.png");
    }

    TEST_CASE("memories: past years of the caller's local day, grouped by year, newest first; bad dates are 400") {
        Family f;
        auto& app = f.fx.app();
        const auto at = [&](const Account& who, const std::string& takenAt, bool archived = false) {
            return insertAsset(app, who.id, kJuly2021Us, [&](auto& a) {
                a.takenAt = takenAt;
                a.takenAtUs = *parseRfc3339Us(takenAt);
                a.isArchived = archived;
            });
        };
        const auto tokyo = at(f.alice, "2019-07-04T23:30:00+09:00");   // 14:30 UTC the same day
        const auto tokyo2 = at(f.alice, "2019-07-04T08:00:00+09:00");  // 3 July in UTC: still a 4 July memory
        const auto older = at(f.alice, "2015-07-04T12:00:00Z");
        at(f.alice, "2018-07-05T01:00:00+09:00");   // 4 July in UTC, 5 July where it was taken
        at(f.alice, "2024-07-04T12:00:00Z");        // this year: not a memory
        at(f.alice, "2016-07-04T12:00:00Z", true);  // archived
        at(f.bob, "2019-07-04T12:00:00Z");          // another user's
        const auto leap = at(f.alice, "2020-02-29T10:00:00+01:00");

        auto r = f.http.get("/api/memories?for=2024-07-04", f.alice.auth());
        REQUIRE_MESSAGE(r.status == 200, r.body);
        const auto memories = bodyOf(r);
        REQUIRE(memories.size() == 2);
        CHECK(memories[0]["type"] == "on_this_day");
        CHECK(memories[0]["data"]["year"] == 2019);
        CHECK(memories[0]["id"].is_string());
        REQUIRE(memories[0]["assets"].size() == 2);
        CHECK(memories[0]["assets"][0]["id"] == tokyo.id);  // newest first
        CHECK(memories[0]["assets"][1]["id"] == tokyo2.id);
        CHECK(memories[0]["assets"][0]["thumbnailUrl"].is_string());  // the full asset object
        CHECK(memories[1]["data"]["year"] == 2015);
        CHECK(memories[1]["assets"][0]["id"] == older.id);

        // 28 February of a common year brings the leap day back; a leap year's 28 February does not.
        auto feb = bodyOf(f.http.get("/api/memories?for=2023-02-28", f.alice.auth()));
        REQUIRE(feb.size() == 1);
        CHECK(feb[0]["assets"][0]["id"] == leap.id);
        CHECK(bodyOf(f.http.get("/api/memories?for=2024-02-28", f.alice.auth())).empty());
        CHECK(bodyOf(f.http.get("/api/memories?for=2024-02-29", f.alice.auth())).size() == 1);
        CHECK(bodyOf(f.http.get("/api/memories?for=2024-07-04", f.carol.auth())).empty());
        CHECK(f.http.get("/api/memories", f.alice.auth()).status == 200);  // today (UTC)

        CHECK(f.http.get("/api/memories?for=2024-07-04").status == 401);
        for (const char* bad : {"2023-02-29", "2024-13-01", "2024-7-4", "yesterday", "2024-07-04T00:00:00Z", ""})
            refused(f.http, f.alice, std::string("/api/memories?for=") + bad, "for");
    }

    TEST_CASE("search filters: camera, lens, place, dates, type and favourites, with words and keyset pages") {
        Family f;
        auto& app = f.fx.app();
        const std::string canon = R"(,"make":"Canon","model":"EOS R5","lens":"RF50mm F1.8 STM")";
        std::vector<std::string> canons;  // newest first
        for (int i = 0; i < 5; ++i) {
            canons.push_back(insertAsset(app, f.alice.id, kJuly2021Us - i * kDayUs, [&](auto& a) {
                                 placeAt(a, 48.8584 + i * 0.001, 2.2945, canon);
                                 if (i == 2) a.title = "Eiffel at dusk";
                                 if (i == 4) a.isFavorite = true;
                             }).id);
        }
        const auto london = insertAsset(app, f.alice.id, kJuly2021Us, [](auto& a) {
            placeAt(a, 51.5007, -0.1246, R"(,"make":"NIKON CORPORATION","model":"NIKON Z 6")");
        });
        const auto video = insertAsset(app, f.alice.id, kJuly2021Us, [](auto& a) {
            a.type = "video";
            a.mimeType = "video/mp4";
            a.exif = "{}";  // no camera (the helper's default exif names one)
        });
        insertAsset(app, f.bob.id, kJuly2021Us, [&](auto& a) { placeAt(a, 48.8584, 2.2945, canon); });
        using V = std::vector<std::string>;

        CHECK(allPages(f.http, f.alice, "/api/search?make=canon&limit=2") == canons);
        CHECK(allPages(f.http, f.alice, "/api/search?model=EOS%20R5&lens=rf50mm%20f1.8%20stm&limit=2") == canons);
        CHECK(allPages(f.http, f.alice, "/api/search?near=48.8584,2.2945,5&limit=3") == canons);
        const auto wide = allPages(f.http, f.alice, "/api/search?near=48.8584,2.2945,400");
        CHECK(std::set<std::string>(wide.begin(), wide.end()) ==
              std::set<std::string>{london.id, canons[0], canons[1], canons[2], canons[3], canons[4]});
        CHECK(allPages(f.http, f.alice, "/api/search?q=eiffel&make=Canon") == V{canons[2]});
        CHECK(allPages(f.http, f.alice, "/api/search?q=eiffel&make=Nikon%20corporation").empty());
        CHECK(allPages(f.http, f.alice, "/api/search?make=canon&favorite=true") == V{canons[4]});
        CHECK(allPages(f.http, f.alice, "/api/search?type=video") == V{video.id});
        CHECK(allPages(f.http, f.alice, "/api/search?make=canon&from=2021-07-02T00:00:00Z&to=2021-07-04T00:00:00Z") ==
              V{canons[1], canons[2]});
        // bob's Canon photo in Paris is his: alice never sees it, bob sees only his.
        CHECK(allPages(f.http, f.bob, "/api/search?make=canon").size() == 1);

        refused(f.http, f.alice, "/api/search?near=91,0,5", "near");
        refused(f.http, f.alice, "/api/search?near=0,181,5", "near");
        refused(f.http, f.alice, "/api/search?near=0,0,0", "near");
        refused(f.http, f.alice, "/api/search?near=0,0", "near");
        refused(f.http, f.alice, "/api/search?near=a,b,c", "near");
        refused(f.http, f.alice, "/api/search?make=", "make");
        refused(f.http, f.alice, "/api/search?lens=" + std::string(300, 'x'), "lens");
        refused(f.http, f.alice, "/api/search?make=canon&from=2022-01-01T00:00:00Z&to=2021-01-01T00:00:00Z", "from");
        refused(f.http, f.alice, "/api/search?from=last%20week", "from");
        CHECK(f.http.get("/api/search", f.alice.auth()).status == 400);  // neither words nor a filter
    }

    TEST_CASE("an empty server.mapTileUrl turns the map off in the features the UI reads") {
        AppFixture fx(fastAuth({{"server.mapTileUrl", ""}}));
        HttpClient http(fx.port());
        auto features = bodyOf(http.get("/api/server/features"));
        CHECK(features["map"] == false);
        CHECK(features["mapTileUrl"] == "");
    }
}

// GET /api/assets: the object's shape, paging (limit, opaque cursor, stability while inserting), every filter
// and every bad parameter.
#include <doctest/doctest.h>

#include <regex>
#include <set>

#include "app_fixture.hpp"
#include "images_api.hpp"
#include "obscura/base/ids.hpp"
#include "obscura/storage/storage.hpp"

using namespace obscura;
using namespace obscura::test;

namespace {

void insertMany(App& app, const std::string& owner, int count, std::int64_t firstUs) {
    // One transaction: hundreds of single commits would each wait for an fsync.
    auto status = app.storage().transaction([&](storage::Repositories& repos) -> Status {
        for (int i = 0; i < count; ++i) {
            storage::AssetRecord a;
            a.id = newUuid();
            a.ownerId = owner;
            a.type = "image";
            a.mimeType = "image/jpeg";
            a.checksum = std::string(40, '0');
            const std::string suffix = a.id.substr(0, 8) + a.id.substr(9, 4) + a.id.substr(14, 4);
            a.checksum.replace(0, suffix.size(), suffix);
            a.takenAt = "2021-07-04T10:20:30Z";
            a.takenAtUs = firstUs + i;
            a.createdAt = a.updatedAt = "2024-05-01T12:00:00Z";
            a.storagePath = "library/" + owner + "/2021/07/" + a.id + ".jpg";
            OBSCURA_TRY_STATUS(repos.images().createAsset(a));
        }
        return {};
    });
    REQUIRE_MESSAGE(status.ok(), (status.ok() ? "" : status.error().message));
}

}  // namespace

TEST_SUITE("images.listing") {
    TEST_CASE("an asset object has exactly DESIGN's fields") {
        AppFixture fx(fastAuth());
        HttpClient http(fx.port());
        auto alice = firstAccount(http, "alice");
        auto video = insertAsset(fx.app(), alice.id, kJuly2021Us, [](storage::AssetRecord& a) {
            a.type = "video";
            a.mimeType = "video/mp4";
            a.durationSeconds = 3.5;
            a.title = "Clip";
            a.tags = {"b", "a"};
            a.exif = R"({"make":"Apple","model":"iPhone 12","fNumber":1.6,"iso":32,"latitude":52.5,"longitude":13.4,
                        "orientation":1,"dateTimeOriginal":"2021-07-04T12:20:30+02:00","unknownKey":"x"})";
            a.thumbnail = {"ready", 2};
        });
        auto r = http.get("/api/assets", alice.auth());
        REQUIRE(r.status == 200);
        CHECK(r.header("Content-Type").value_or("").find("application/json") == 0);
        auto page = bodyOf(r);
        REQUIRE(page["items"].size() == 1);
        CHECK(page["nextCursor"].is_null());
        const auto& item = page["items"][0];
        std::set<std::string> keys;
        for (const auto& [k, v] : item.items()) keys.insert(k);
        CHECK(keys == std::set<std::string>{
                          "id",          "type",         "originalFileName", "mimeType",   "sizeBytes", "checksum",
                          "width",       "height",       "durationSeconds",  "takenAt",    "createdAt", "title",
                          "description", "tags",         "isFavorite",       "isArchived", "isTrashed", "exifInfo",
                          "derivatives", "thumbnailUrl", "previewUrl",       "ownerId"});
        CHECK(item["id"] == video.id);
        CHECK(item["ownerId"] == alice.id);
        CHECK(item["type"] == "video");
        CHECK(item["mimeType"] == "video/mp4");
        CHECK(item["sizeBytes"] == 1234);
        CHECK(item["checksum"] == video.checksum);
        CHECK(item["width"] == 4000);
        CHECK(item["durationSeconds"] == 3.5);
        CHECK(item["takenAt"] == "2021-07-04T10:20:30Z");
        CHECK(item["tags"] == nlohmann::json::array({"b", "a"}));
        CHECK(item["isTrashed"] == false);
        std::set<std::string> exifKeys;
        for (const auto& [k, v] : item["exifInfo"].items()) exifKeys.insert(k);
        CHECK(exifKeys == std::set<std::string>{"make", "model", "lens", "fNumber", "exposureTime", "iso",
                                                "focalLength", "latitude", "longitude", "orientation",
                                                "dateTimeOriginal", "rating"});
        CHECK(item["exifInfo"]["make"] == "Apple");
        CHECK(item["exifInfo"]["lens"].is_null());
        CHECK(item["exifInfo"]["latitude"] == 52.5);
        CHECK(item["exifInfo"]["dateTimeOriginal"] == "2021-07-04T12:20:30+02:00");
        CHECK(item["derivatives"] ==
              nlohmann::json({{"thumbnail", "ready"}, {"preview", "pending"}, {"video", "pending"}}));
        CHECK(item["thumbnailUrl"] == "/api/assets/" + video.id + "/thumbnail?size=thumbnail&v=2");
        CHECK(item["previewUrl"] == "/api/assets/" + video.id + "/thumbnail?size=preview&v=0");

        // An image has no durationSeconds key at all.
        insertAsset(fx.app(), alice.id, kJuly2021Us - kDayUs);
        page = bodyOf(http.get("/api/assets", alice.auth()));
        REQUIRE(page["items"].size() == 2);
        CHECK_FALSE(page["items"][1].contains("durationSeconds"));
        CHECK_FALSE(page["items"][1].contains("trashedAt"));
    }

    TEST_CASE("limit defaults to 100 and stops at 500; the cursor is opaque base64url and null on the last page") {
        AppFixture fx(fastAuth());
        HttpClient http(fx.port());
        auto alice = firstAccount(http, "alice");
        insertMany(fx.app(), alice.id, 501, kJuly2021Us);

        auto first = bodyOf(http.get("/api/assets", alice.auth()));
        CHECK(first["items"].size() == 100);
        REQUIRE(first["nextCursor"].is_string());
        const std::string cursor = first["nextCursor"];
        CHECK(std::regex_match(cursor, std::regex("^[A-Za-z0-9_-]+$")));  // base64url, no '=' padding

        auto max = bodyOf(http.get("/api/assets?limit=500", alice.auth()));
        CHECK(max["items"].size() == 500);
        REQUIRE(max["nextCursor"].is_string());
        auto last =
            bodyOf(http.get("/api/assets?limit=500&cursor=" + max["nextCursor"].get<std::string>(), alice.auth()));
        CHECK(last["items"].size() == 1);
        CHECK(last["nextCursor"].is_null());

        auto all = allPages(http, alice, "/api/assets?limit=37");
        CHECK(all.size() == 501);
        CHECK(std::set<std::string>(all.begin(), all.end()).size() == 501);
        auto asc = allPages(http, alice, "/api/assets?limit=200&order=asc");
        CHECK(std::vector<std::string>(asc.rbegin(), asc.rend()) == all);
    }

    TEST_CASE("bad parameters are 400 with a clear message") {
        AppFixture fx(fastAuth());
        HttpClient http(fx.port());
        auto alice = firstAccount(http, "alice");
        for (const std::string& query : std::vector<std::string>{"limit=0",
                                                                 "limit=501",
                                                                 "limit=abc",
                                                                 "limit=-1",
                                                                 "limit=10.5",
                                                                 "limit=",
                                                                 "limit=1&limit=2",
                                                                 "cursor=%%%",
                                                                 "cursor=abc",
                                                                 "cursor=YTE6MTIzOm5vdC1hLXV1aWQ",
                                                                 "cursor=YTE6MTIzOm5vdC1hLXV1aWQ=",
                                                                 "order=newest",
                                                                 "from=2021-07-04",
                                                                 "to=yesterday",
                                                                 "from=2021-02-30T00:00:00Z",
                                                                 "from=2021-07-04T10:20:30",
                                                                 "favorite=yes",
                                                                 "archived=1",
                                                                 "type=audio",
                                                                 "tag=",
                                                                 "albumId=12",
                                                                 "q=" + std::string(300, 'a'),
                                                                 "q=a+b+c+d+e+f+g+h+i+j+k+l+m+n+o+p+q"}) {
            auto r = http.get("/api/assets?" + query, alice.auth());
            CHECK_MESSAGE(r.status == 400, query << " -> " << r.status << " " << r.body);
            CHECK_MESSAGE(errorCode(r) == "bad_request", query);
            CHECK_FALSE(bodyOf(r)["error"]["message"].get<std::string>().empty());
        }
        // Unknown parameters are ignored; an empty cursor or q is the same as none.
        CHECK(http.get("/api/assets?colour=blue&cursor=&q=", alice.auth()).status == 200);
        CHECK(http.get("/api/assets").status == 401);
    }

    TEST_CASE("pages stay stable while assets are inserted between them") {
        AppFixture fx(fastAuth());
        HttpClient http(fx.port());
        auto alice = firstAccount(http, "alice");
        std::set<std::string> original;
        for (int i = 0; i < 45; ++i)
            original.insert(insertAsset(fx.app(), alice.id, kJuly2021Us + (i % 15) * kDayUs).id);
        std::vector<std::string> seen;
        std::set<std::string> olderInserted;
        std::string cursor;
        for (int round = 0; round < 50; ++round) {
            auto page =
                bodyOf(http.get("/api/assets?limit=8" + (cursor.empty() ? "" : "&cursor=" + cursor), alice.auth()));
            for (const auto& id : idsOf(page)) seen.push_back(id);
            if (page["nextCursor"].is_null()) break;
            cursor = page["nextCursor"];
            insertAsset(fx.app(), alice.id, kJuly2021Us + 100 * kDayUs);  // newer: already passed, not shown
            olderInserted.insert(insertAsset(fx.app(), alice.id, kJuly2021Us - (round + 1) * kDayUs).id);
        }
        std::set<std::string> unique(seen.begin(), seen.end());
        CHECK(unique.size() == seen.size());
        for (const auto& id : original) CHECK_MESSAGE(unique.count(id) == 1, "gap: " << id);
        for (const auto& id : olderInserted) CHECK_MESSAGE(unique.count(id) == 1, "missed: " << id);
    }

    TEST_CASE("filters: favorite, archived, type, from/to, tag, q; trash never shows; albumId finds no album") {
        AppFixture fx(fastAuth());
        HttpClient http(fx.port());
        auto alice = firstAccount(http, "alice");
        auto& app = fx.app();
        auto plain = insertAsset(app, alice.id, kJuly2021Us);
        auto fav = insertAsset(app, alice.id, kJuly2021Us + kDayUs, [](auto& a) {
            a.isFavorite = true;
            a.tags = {"Beach"};
        });
        auto archived = insertAsset(app, alice.id, kJuly2021Us + 2 * kDayUs, [](auto& a) {
            a.isArchived = true;
            a.tags = {"beach"};
        });
        auto video = insertAsset(app, alice.id, kJuly2021Us + 3 * kDayUs, [](auto& a) {
            a.type = "video";
            a.mimeType = "video/mp4";
            a.title = "Surfing lesson";
        });
        auto trashed = insertAsset(app, alice.id, kJuly2021Us + 4 * kDayUs, [](auto& a) {
            a.isTrashed = true;
            a.trashedAt = "2024-05-01T00:00:00Z";
            a.trashedAtUs = 1714521600LL * 1000000;
            a.tags = {"beach"};
        });
        const auto ids = [&](const std::string& query) {
            auto r = http.get("/api/assets" + query, alice.auth());
            REQUIRE_MESSAGE(r.status == 200, query << ": " << r.body);
            auto list = idsOf(bodyOf(r));
            return std::set<std::string>(list.begin(), list.end());
        };
        using S = std::set<std::string>;
        CHECK(ids("") == S{plain.id, fav.id, video.id});
        CHECK(ids("?favorite=true") == S{fav.id});
        CHECK(ids("?favorite=false") == S{plain.id, video.id});
        CHECK(ids("?archived=true") == S{archived.id});
        CHECK(ids("?archived=false") == S{plain.id, fav.id, video.id});
        CHECK(ids("?type=video") == S{video.id});
        CHECK(ids("?type=image") == S{plain.id, fav.id});
        CHECK(ids("?from=2021-07-05T10:20:30Z&to=2021-07-07T10:20:30Z") == S{fav.id});  // from in, to out
        CHECK(ids("?from=2021-07-05T12:20:30%2B02:00") == S{fav.id, video.id});         // offset honoured
        CHECK(ids("?tag=beach") == S{fav.id});
        CHECK(ids("?tag=BEACH&archived=true") == S{archived.id});
        CHECK(ids("?q=surf") == S{video.id});
        CHECK(ids("?q=surf&type=image").empty());
        CHECK(ids("?q=canon") == S{plain.id, fav.id, video.id});  // camera make from EXIF
        CHECK(ids("?favorite=true&tag=beach&type=image") == S{fav.id});
        CHECK(ids("?order=asc") == S{plain.id, fav.id, video.id});
        CHECK(bodyOf(http.get("/api/assets?order=asc", alice.auth()))["items"][0]["id"] == plain.id);
        (void)trashed;

        auto album = http.get("/api/assets?albumId=3f0c6f4e-0000-4000-8000-000000000000", alice.auth());
        CHECK(album.status == 404);
        CHECK(errorCode(album) == "not_found");
    }
}

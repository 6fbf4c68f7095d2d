// GET /api/search, GET /api/timeline, GET /api/tags through HTTP.
#include <doctest/doctest.h>

#include <set>

#include "app_fixture.hpp"
#include "images_api.hpp"

using namespace obscura;
using namespace obscura::test;

namespace {

std::string encode(const std::string& q) {
    static const char* kHex = "0123456789ABCDEF";
    std::string out;
    for (const unsigned char c : q) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += kHex[c >> 4];
            out += kHex[c & 15];
        }
    }
    return out;
}

}  // namespace

TEST_SUITE("images.search") {
    TEST_CASE("search: words and prefixes, any case and accent, all words, never syntax; the listing shape") {
        AppFixture fx(fastAuth());
        HttpClient http(fx.port());
        auto alice = firstAccount(http, "alice");
        auto& app = fx.app();
        auto park = insertAsset(app, alice.id, kJuly2021Us, [](auto& a) { a.title = "Sunset in Central Park"; });
        auto cafe = insertAsset(app, alice.id, kJuly2021Us + 1, [](auto& a) {
            a.description = "Café Müller";
            a.tags = {"breakfast"};
        });
        auto both = insertAsset(app, alice.id, kJuly2021Us + 2, [](auto& a) {
            a.title = "Park café";
            a.originalFileName = "DSC_0042.JPG";
        });
        const auto search = [&](const std::string& q) {
            auto r = http.get("/api/search?q=" + encode(q), alice.auth());
            REQUIRE_MESSAGE(r.status == 200, q << ": " << r.body);
            auto ids = idsOf(bodyOf(r));
            return std::set<std::string>(ids.begin(), ids.end());
        };
        using S = std::set<std::string>;
        CHECK(search("park") == S{park.id, both.id});
        CHECK(search("PAR") == S{park.id, both.id});
        CHECK(search("cafe") == S{cafe.id, both.id});
        CHECK(search("MÜLLER") == S{cafe.id});
        CHECK(search("breakf") == S{cafe.id});
        CHECK(search("dsc_0042") == S{both.id});
        CHECK(search("park cafe") == S{both.id});
        CHECK(search("ark").empty());
        CHECK(search("\"park\" OR *").empty());  // "or" is a word that must match too
        CHECK(search("park\" NEAR(") == S{});
        CHECK(search("(\"park\")") == S{park.id, both.id});

        auto page = bodyOf(http.get("/api/search?q=park&limit=1", alice.auth()));
        REQUIRE(page["items"].size() == 1);
        CHECK(page["items"][0]["id"] == both.id);  // newest first
        REQUIRE(page["nextCursor"].is_string());
        auto next = bodyOf(
            http.get("/api/search?q=park&limit=1&cursor=" + page["nextCursor"].get<std::string>(), alice.auth()));
        CHECK(idsOf(next) == std::vector<std::string>{park.id});
        CHECK(next["nextCursor"].is_null());

        CHECK(http.get("/api/search", alice.auth()).status == 400);
        CHECK(http.get("/api/search?q=", alice.auth()).status == 400);
        CHECK(http.get("/api/search?q=park&limit=501", alice.auth()).status == 400);
        CHECK(http.get("/api/search?q=park").status == 401);
        // Only the caller's assets.
        auto bob = anotherAccount(http, alice, "bob");
        CHECK(bodyOf(http.get("/api/search?q=park", bob.auth()))["items"].empty());
    }

    TEST_CASE("timeline: months of each photo's own local date, newest first, filters apply") {
        AppFixture fx(fastAuth());
        HttpClient http(fx.port());
        auto alice = firstAccount(http, "alice");
        auto& app = fx.app();
        CHECK(bodyOf(http.get("/api/timeline", alice.auth())) ==
              nlohmann::json({{"buckets", nlohmann::json::array()}}));
        insertAsset(app, alice.id, kJuly2021Us);
        insertAsset(app, alice.id, kJuly2021Us + kDayUs, [](auto& a) { a.isFavorite = true; });
        // 31 July 16:00 UTC, but 1 August in Tokyo where it was taken.
        insertAsset(app, alice.id, 1627747200LL * 1000000 - 8 * 3600LL * 1000000,
                    [](auto& a) { a.takenAt = "2021-08-01T01:00:00+09:00"; });
        insertAsset(app, alice.id, 1262304000LL * 1000000);
        insertAsset(app, alice.id, kJuly2021Us, [](auto& a) { a.isArchived = true; });
        auto r = http.get("/api/timeline", alice.auth());
        REQUIRE(r.status == 200);
        CHECK(bodyOf(r) == nlohmann::json({{"buckets",
                                            {{{"month", "2021-08"}, {"count", 1}},
                                             {{"month", "2021-07"}, {"count", 2}},
                                             {{"month", "2010-01"}, {"count", 1}}}}}));
        CHECK(bodyOf(http.get("/api/timeline?favorite=true", alice.auth()))["buckets"] ==
              nlohmann::json::array({{{"month", "2021-07"}, {"count", 1}}}));
        CHECK(bodyOf(http.get("/api/timeline?archived=true", alice.auth()))["buckets"] ==
              nlohmann::json::array({{{"month", "2021-07"}, {"count", 1}}}));
        CHECK(http.get("/api/timeline?type=gif", alice.auth()).status == 400);
        CHECK(http.get("/api/timeline").status == 401);
    }

    TEST_CASE("tags with counts of assets outside the trash") {
        AppFixture fx(fastAuth());
        HttpClient http(fx.port());
        auto alice = firstAccount(http, "alice");
        auto& app = fx.app();
        CHECK(bodyOf(http.get("/api/tags", alice.auth())) == nlohmann::json::array());
        insertAsset(app, alice.id, kJuly2021Us, [](auto& a) { a.tags = {"beach", "family"}; });
        insertAsset(app, alice.id, kJuly2021Us, [](auto& a) { a.tags = {"beach"}; });
        insertAsset(app, alice.id, kJuly2021Us, [](auto& a) {
            a.tags = {"beach", "gone"};
            a.isTrashed = true;
            a.trashedAt = "2024-05-01T00:00:00Z";
            a.trashedAtUs = 1714521600LL * 1000000;
        });
        auto r = http.get("/api/tags", alice.auth());
        REQUIRE(r.status == 200);
        CHECK(bodyOf(r) ==
              nlohmann::json::array({{{"tag", "beach"}, {"count", 2}}, {{"tag", "family"}, {"count", 1}}}));
        auto bob = anotherAccount(http, alice, "bob");
        CHECK(bodyOf(http.get("/api/tags", bob.auth())) == nlohmann::json::array());
    }
}

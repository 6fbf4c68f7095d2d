// Partners' libraries in the caller's listings (GET /api/assets?withPartners=true, /api/timeline, /api/search):
// only partners the caller put inTimeline, only their live unarchived assets, keyset pages across owners without
// duplicates or gaps, and an ended partnership or a switched timeline gone from the very next request — with the
// listing cache on, and when the change is written straight into the database as another replica would.
#include <doctest/doctest.h>

#include <algorithm>
#include <set>

#include "app_fixture.hpp"
#include "images_api.hpp"
#include "obscura/storage/storage.hpp"

using namespace obscura;
using namespace obscura::test;
using nlohmann::json;

namespace {

// me, with two partners (pone, ptwo) in my timeline, and a stranger.
struct Circle {
    Account me, p1, p2, stranger;
};

Circle circle(HttpClient& http) {
    Circle c;
    c.me = firstAccount(http, "myself");
    c.p1 = anotherAccount(http, c.me, "pone");
    c.p2 = anotherAccount(http, c.me, "ptwo");
    c.stranger = anotherAccount(http, c.me, "stranger");
    sharePartner(http, c.p1, c.me, true);
    sharePartner(http, c.p2, c.me, true);
    return c;
}

bool contains(const std::vector<std::string>& ids, const std::string& id) {
    return std::find(ids.begin(), ids.end(), id) != ids.end();
}

}  // namespace

TEST_SUITE("images.partner_listing") {
    TEST_CASE("withPartners pages merge the libraries exactly: every live unarchived asset once, in order") {
        AppFixture fx(fastAuth());
        HttpClient http(fx.port());
        auto f = circle(http);
        std::set<std::string> expected;
        for (int i = 0; i < 12; ++i) {
            for (const auto* who : {&f.me, &f.p1, &f.p2}) {
                // Equal times across owners every other step: the id breaks the tie across libraries too.
                expected.insert(insertAsset(fx.app(), who->id, kJuly2021Us + (i / 2) * kDayUs).id);
            }
        }
        const auto archived = insertAsset(fx.app(), f.p1.id, kJuly2021Us, [](auto& a) { a.isArchived = true; });
        const auto trashed = insertAsset(fx.app(), f.p2.id, kJuly2021Us, [](auto& a) {
            a.isTrashed = true;
            a.trashedAt = "2024-05-01T00:00:00Z";
            a.trashedAtUs = 1714521600LL * 1000000;
        });
        const auto strangers = insertAsset(fx.app(), f.stranger.id, kJuly2021Us);

        const auto everything = idsOf(bodyOf(http.get("/api/assets?withPartners=true&limit=500", f.me.auth())));
        CHECK(everything.size() == expected.size());
        CHECK(std::set<std::string>(everything.begin(), everything.end()) == expected);
        for (const char* order : {"desc", "asc"}) {
            for (int limit : {1, 5, 7}) {
                CAPTURE(limit);
                const std::string path =
                    "/api/assets?withPartners=true&order=" + std::string(order) + "&limit=" + std::to_string(limit);
                auto ids = allPages(http, f.me, path);
                if (std::string(order) == "asc") std::reverse(ids.begin(), ids.end());
                CHECK(ids == everything);
            }
        }
        CHECK_FALSE(contains(everything, archived.id));
        CHECK_FALSE(contains(everything, trashed.id));
        CHECK_FALSE(contains(everything, strangers.id));

        // Each item says whose it is; without withPartners only my own.
        const auto page = bodyOf(http.get("/api/assets?withPartners=true&limit=500", f.me.auth()));
        std::set<std::string> owners;
        for (const auto& item : page["items"]) owners.insert(item["ownerId"].get<std::string>());
        CHECK(owners == std::set<std::string>{f.me.id, f.p1.id, f.p2.id});
        CHECK(idsOf(bodyOf(http.get("/api/assets?limit=500", f.me.auth()))).size() == 12);

        // The timeline counts them; search finds them.
        auto buckets = bodyOf(http.get("/api/timeline?withPartners=true", f.me.auth()))["buckets"];
        REQUIRE(buckets.size() == 1);
        CHECK(buckets[0]["count"] == 36);
        CHECK(bodyOf(http.get("/api/timeline", f.me.auth()))["buckets"][0]["count"] == 12);
        CHECK(idsOf(bodyOf(http.get("/api/search?q=img&withPartners=true&limit=500", f.me.auth()))).size() ==
              idsOf(bodyOf(http.get("/api/search?q=img&limit=500", f.me.auth()))).size() * 3);

        // What partners cannot show is refused rather than silently mixed.
        CHECK(http.get("/api/assets?withPartners=true&favorite=true", f.me.auth()).status == 400);
        CHECK(http.get("/api/assets?withPartners=true&archived=true", f.me.auth()).status == 400);
        CHECK(http.get("/api/assets?withPartners=maybe", f.me.auth()).status == 400);
    }

    TEST_CASE("only partners in my timeline; ending or switching takes effect on the very next request, cached") {
        AppFixture fx(fastAuth());
        HttpClient http(fx.port());
        auto f = circle(http);
        const auto mine = insertAsset(fx.app(), f.me.id, kJuly2021Us);
        const auto fromP1 = insertAsset(fx.app(), f.p1.id, kJuly2021Us - kDayUs);
        const auto fromP2 = insertAsset(fx.app(), f.p2.id, kJuly2021Us - 2 * kDayUs);
        const std::string list = "/api/assets?withPartners=true&limit=10";
        auto ids = [&] { return idsOf(bodyOf(http.get(list, f.me.auth()))); };
        // Asked twice: the second answer comes from the cache, which every change below must displace.
        REQUIRE(ids() == std::vector<std::string>{mine.id, fromP1.id, fromP2.id});
        REQUIRE(ids() == std::vector<std::string>{mine.id, fromP1.id, fromP2.id});

        // A partner's upload shows at once.
        const auto newer = insertAsset(fx.app(), f.p2.id, kJuly2021Us + kDayUs);
        CHECK(ids() == std::vector<std::string>{newer.id, mine.id, fromP1.id, fromP2.id});

        // The receiver takes p2 out of the timeline; p1 ends their sharing.
        REQUIRE(sendJson(http, "PUT", "/api/partners/" + f.p2.id, {{"inTimeline", false}}, f.me.auth()).status == 200);
        CHECK(ids() == std::vector<std::string>{mine.id, fromP1.id});
        REQUIRE(http.request("DELETE", "/api/partners/" + f.me.id, f.p1.auth()).status == 204);
        CHECK(ids() == std::vector<std::string>{mine.id});
        CHECK(bodyOf(http.get("/api/timeline?withPartners=true", f.me.auth()))["buckets"][0]["count"] == 1);

        // Another replica switching p2 back on (straight into the database) shows on the next request too.
        auto switched = fx.app().storage().run([&](storage::Repositories& repos) -> Status {
            OBSCURA_TRY(found, repos.partners().setInTimeline(f.p2.id, f.me.id, true));
            if (!found) return internalError("the partnership is gone");
            return {};
        });
        REQUIRE(switched.ok());
        CHECK(ids() == std::vector<std::string>{newer.id, mine.id, fromP2.id});
        // …and a partner's archive written there as well.
        auto archivedThere = fx.app().storage().run([&](storage::Repositories& repos) -> Status {
            storage::AssetUpdate update;
            update.isArchived = true;
            update.updatedAt = "2024-05-01T00:00:00Z";
            OBSCURA_TRY(write, repos.images().updateAsset(f.p2.id, newer.id, update));
            (void)write;
            return {};
        });
        REQUIRE(archivedThere.ok());
        CHECK(ids() == std::vector<std::string>{mine.id, fromP2.id});
    }
}

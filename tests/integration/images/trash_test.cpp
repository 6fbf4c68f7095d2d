// The trash: listing, restore (some, none, all), empty, and the automatic purge after images.trashDays.
#include <doctest/doctest.h>

#include <set>

#include "app_fixture.hpp"
#include "images_api.hpp"
#include "obscura/base/clock.hpp"
#include "obscura/base/rfc3339.hpp"
#include "test_support.hpp"

using namespace obscura;
using namespace obscura::test;

namespace {

storage::AssetRecord insertTrashed(App& app, const std::string& owner, std::int64_t trashedAtUs,
                                   std::int64_t takenAtUs = kJuly2021Us) {
    return insertAsset(app, owner, takenAtUs, [&](storage::AssetRecord& a) {
        a.isTrashed = true;
        a.trashedAtUs = trashedAtUs;
        a.trashedAt = formatRfc3339(trashedAtUs);
    });
}

std::set<std::string> idSet(const nlohmann::json& page) {
    auto ids = idsOf(page);
    return {ids.begin(), ids.end()};
}

}  // namespace

TEST_SUITE("images.trash") {
    TEST_CASE("GET /api/trash lists only trashed assets, archived ones too, with trashedAt, page by page") {
        AppFixture fx(fastAuth());
        HttpClient http(fx.port());
        auto alice = firstAccount(http, "alice");
        auto live = insertAsset(fx.app(), alice.id);
        std::set<std::string> trashed;
        for (int i = 0; i < 5; ++i)
            trashed.insert(insertTrashed(fx.app(), alice.id, fx.app().clock().nowUs(), kJuly2021Us + i).id);
        trashed.insert(insertAsset(fx.app(), alice.id, kJuly2021Us, [&](auto& a) {
                           a.isArchived = true;
                           a.isTrashed = true;
                           a.trashedAt = "2024-05-01T00:00:00Z";
                           a.trashedAtUs = fx.app().clock().nowUs();
                       }).id);
        auto first = bodyOf(http.get("/api/trash?limit=4", alice.auth()));
        CHECK(first["items"].size() == 4);
        CHECK(first["items"][0]["isTrashed"] == true);
        CHECK(first["items"][0]["trashedAt"].is_string());
        auto all = allPages(http, alice, "/api/trash?limit=4");
        CHECK(std::set<std::string>(all.begin(), all.end()) == trashed);
        CHECK(all.size() == trashed.size());
        CHECK(idSet(bodyOf(http.get("/api/trash?archived=false", alice.auth()))).size() == 5);
        CHECK(idSet(bodyOf(http.get("/api/assets", alice.auth()))) == std::set<std::string>{live.id});
        CHECK(http.get("/api/trash?limit=0", alice.auth()).status == 400);
    }

    TEST_CASE("restore: the given ids, none for [], everything without ids; non-ids 422, bad JSON or types 400") {
        AppFixture fx(fastAuth());
        HttpClient http(fx.port());
        auto alice = firstAccount(http, "alice");
        auto a = insertTrashed(fx.app(), alice.id, fx.app().clock().nowUs());
        auto b = insertTrashed(fx.app(), alice.id, fx.app().clock().nowUs());
        auto c = insertTrashed(fx.app(), alice.id, fx.app().clock().nowUs());

        auto r = postJson(http, "/api/trash/restore", {{"ids", {a.id, "3f0c6f4e-0000-4000-8000-000000000000"}}},
                          alice.auth());
        REQUIRE_MESSAGE(r.status == 200, r.body);
        CHECK(bodyOf(r) == nlohmann::json({{"count", 1}}));
        CHECK(bodyOf(http.get("/api/assets/" + a.id, alice.auth()))["isTrashed"] == false);
        CHECK_FALSE(bodyOf(http.get("/api/assets/" + a.id, alice.auth())).contains("trashedAt"));

        r = postJson(http, "/api/trash/restore", {{"ids", nlohmann::json::array()}}, alice.auth());
        CHECK(bodyOf(r) == nlohmann::json({{"count", 0}}));
        CHECK(postJson(http, "/api/trash/restore", {{"ids", {"nope"}}}, alice.auth()).status == 422);
        CHECK(postJson(http, "/api/trash/restore", {{"ids", "all"}}, alice.auth()).status == 400);
        CHECK(postJson(http, "/api/trash/restore", {{"ids", {7}}}, alice.auth()).status == 400);
        CHECK(http.request("POST", "/api/trash/restore", {{"Content-Type", "application/json"}, alice.auth()[0]}, "{")
                  .status == 400);
        CHECK(idSet(bodyOf(http.get("/api/trash", alice.auth()))) == std::set<std::string>{b.id, c.id});

        r = http.request("POST", "/api/trash/restore", alice.auth());  // no body: everything
        CHECK(bodyOf(r) == nlohmann::json({{"count", 2}}));
        r = postJson(http, "/api/trash/restore", nlohmann::json::object(), alice.auth());
        CHECK(bodyOf(r) == nlohmann::json({{"count", 0}}));
        CHECK(bodyOf(http.get("/api/trash", alice.auth()))["items"].empty());
        CHECK(idsOf(bodyOf(http.get("/api/assets", alice.auth()))).size() == 3);
    }

    TEST_CASE("empty deletes the caller's trash for good, files included, and nobody else's") {
        AppFixture fx(fastAuth());
        HttpClient http(fx.port());
        auto alice = firstAccount(http, "alice");
        auto bob = anotherAccount(http, alice, "bob");
        std::vector<std::string> files;
        for (int i = 0; i < 3; ++i) {
            auto asset = insertTrashed(fx.app(), alice.id, fx.app().clock().nowUs(), kJuly2021Us + i);
            for (const auto& f : writeAssetFiles(fx.app(), asset)) files.push_back(f);
        }
        auto live = insertAsset(fx.app(), alice.id);
        const auto liveFiles = writeAssetFiles(fx.app(), live);
        auto bobs = insertTrashed(fx.app(), bob.id, fx.app().clock().nowUs());
        const auto bobFiles = writeAssetFiles(fx.app(), bobs);

        auto r = http.request("POST", "/api/trash/empty", alice.auth());
        REQUIRE(r.status == 200);
        CHECK(bodyOf(r) == nlohmann::json({{"count", 3}}));
        CHECK(bodyOf(http.get("/api/trash", alice.auth()))["items"].empty());
        CHECK(waitFor([&] {
            for (const auto& f : files)
                if (exists(fx.app(), f)) return false;
            return true;
        }));
        for (const auto& f : liveFiles) CHECK(exists(fx.app(), f));
        for (const auto& f : bobFiles) CHECK(exists(fx.app(), f));
        CHECK(idSet(bodyOf(http.get("/api/trash", bob.auth()))) == std::set<std::string>{bobs.id});
        CHECK(bodyOf(http.request("POST", "/api/trash/empty", alice.auth())) == nlohmann::json({{"count", 0}}));
    }

    TEST_CASE("with images.trashDays=0 a trashed asset is purged at once, files and all") {
        AppFixture fx(fastAuth({{"images.trashDays", "0"}}));
        HttpClient http(fx.port());
        auto alice = firstAccount(http, "alice");
        auto asset = insertAsset(fx.app(), alice.id);
        const auto files = writeAssetFiles(fx.app(), asset);
        CHECK(http.request("DELETE", "/api/assets/" + asset.id, alice.auth()).status == 204);
        CHECK(waitFor([&] { return http.get("/api/assets/" + asset.id, alice.auth()).status == 404; }));
        CHECK(waitFor([&] { return !exists(fx.app(), files[0]) && !exists(fx.app(), files[2]); }));
    }

    TEST_CASE("trash older than images.trashDays is purged (at start and then periodically); younger stays") {
        TempDir dir;
        const std::string dataDir = dir.path() + "/data";
        std::vector<std::string> oldFiles, youngFiles;
        std::string oldId, youngId;
        Account alice;
        {
            auto app = startApp(dataDir, {{"images.trashDays", "30"}});
            HttpClient http(app->port());
            alice = firstAccount(http, "alice");
            const auto now = app->clock().nowUs();
            auto old = insertTrashed(*app, alice.id, now - 31 * kDayUs);
            auto young = insertTrashed(*app, alice.id, now - 29 * kDayUs);
            oldFiles = writeAssetFiles(*app, old);
            youngFiles = writeAssetFiles(*app, young);
            oldId = old.id;
            youngId = young.id;
            app->stop();
        }
        auto app = startApp(dataDir, {{"images.trashDays", "30"}});
        HttpClient http(app->port());
        auto session = login(http, "alice");
        CHECK(waitFor([&] { return http.get("/api/assets/" + oldId, bearer(session.access)).status == 404; }));
        CHECK(waitFor([&] { return !exists(*app, oldFiles[0]) && !exists(*app, oldFiles[2]); }));
        CHECK(http.get("/api/assets/" + youngId, bearer(session.access)).status == 200);
        for (const auto& f : youngFiles) CHECK(exists(*app, f));
    }
}

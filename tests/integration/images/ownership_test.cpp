// Another user's asset is 404 on every route (never 403, never a leak in a listing); deleting a user removes
// their files; usage reaches auth's routes; derivative events keep `derivatives` current.
#include <doctest/doctest.h>

#include <filesystem>

#include "app_fixture.hpp"
#include "images_api.hpp"
#include "obscura/images/events.hpp"
#include "obscura/kernel/bus.hpp"
#include "test_support.hpp"

using namespace obscura;
using namespace obscura::test;

TEST_SUITE("images.ownership") {
    TEST_CASE("another user's asset is 404 on every route, whatever the body, and stays untouched") {
        AppFixture fx(fastAuth());
        HttpClient http(fx.port());
        auto alice = firstAccount(http, "alice");
        auto bob = anotherAccount(http, alice, "bob");
        auto secret = insertAsset(fx.app(), alice.id, kJuly2021Us, [](auto& a) {
            a.title = "Secret";
            a.tags = {"private"};
        });
        auto trashed = insertAsset(fx.app(), alice.id, kJuly2021Us, [](auto& a) {
            a.isTrashed = true;
            a.trashedAt = "2024-05-01T00:00:00Z";
            a.trashedAtUs = 1714521600LL * 1000000;
        });
        const auto files = writeAssetFiles(fx.app(), secret);
        const auto path = "/api/assets/" + secret.id;

        SUBCASE("GET /api/assets/{id}") {
            auto r = http.get(path, bob.auth());
            CHECK(r.status == 404);
            CHECK(errorCode(r) == "not_found");
            CHECK(r.body.find("Secret") == std::string::npos);
        }
        SUBCASE("PATCH /api/assets/{id}") {
            CHECK(sendJson(http, "PATCH", path, {{"title", "mine now"}}, bob.auth()).status == 404);
            CHECK(sendJson(http, "PATCH", path, {{"title", 5}}, bob.auth()).status == 404);  // 404 before 422
            CHECK(http.request("PATCH", path, {{"Content-Type", "application/json"}, bob.auth()[0]}, "{").status ==
                  404);
        }
        SUBCASE("DELETE /api/assets/{id}") {
            CHECK(http.request("DELETE", path, bob.auth()).status == 404);
            CHECK(http.request("DELETE", path + "?permanent=true", bob.auth()).status == 404);
            CHECK(http.request("DELETE", path + "?permanent=bogus", bob.auth()).status == 404);
            CHECK(http.request("DELETE", "/api/assets/" + trashed.id + "?permanent=true", bob.auth()).status == 404);
        }
        SUBCASE("POST /api/trash/restore and /api/trash/empty") {
            auto r = postJson(http, "/api/trash/restore", {{"ids", {trashed.id}}}, bob.auth());
            CHECK(bodyOf(r) == nlohmann::json({{"count", 0}}));
            CHECK(bodyOf(http.request("POST", "/api/trash/restore", bob.auth())) == nlohmann::json({{"count", 0}}));
            CHECK(bodyOf(http.request("POST", "/api/trash/empty", bob.auth())) == nlohmann::json({{"count", 0}}));
            CHECK(bodyOf(http.get("/api/assets/" + trashed.id, alice.auth()))["isTrashed"] == true);
        }
        SUBCASE("listings, search, timeline, tags, statistics") {
            CHECK(bodyOf(http.get("/api/assets", bob.auth()))["items"].empty());
            CHECK(bodyOf(http.get("/api/assets?archived=true", bob.auth()))["items"].empty());
            CHECK(bodyOf(http.get("/api/trash", bob.auth()))["items"].empty());
            CHECK(bodyOf(http.get("/api/search?q=secret", bob.auth()))["items"].empty());
            CHECK(bodyOf(http.get("/api/assets?tag=private", bob.auth()))["items"].empty());
            CHECK(bodyOf(http.get("/api/timeline", bob.auth()))["buckets"].empty());
            CHECK(bodyOf(http.get("/api/tags", bob.auth())).empty());
            CHECK(bodyOf(http.get("/api/assets/statistics", bob.auth()))["total"] == 0);
            // Alice's cursor gives Bob nothing of hers either.
            insertAsset(fx.app(), alice.id, kJuly2021Us + 1);
            auto page = bodyOf(http.get("/api/assets?limit=1", alice.auth()));
            REQUIRE(page["nextCursor"].is_string());
            auto withHerCursor =
                bodyOf(http.get("/api/assets?cursor=" + page["nextCursor"].get<std::string>(), bob.auth()));
            CHECK(withHerCursor["items"].empty());
        }
        // Whatever Bob tried, Alice's asset and files are as they were.
        auto mine = bodyOf(http.get(path, alice.auth()));
        CHECK(mine["title"] == "Secret");
        CHECK(mine["isTrashed"] == false);
        for (const auto& f : files) CHECK(exists(fx.app(), f));
    }

    TEST_CASE("deleting a user enqueues the removal of their files in the same transaction, not through the bus") {
        AppFixture fx(fastAuth());
        HttpClient http(fx.port());
        auto alice = firstAccount(http, "alice");
        auto bob = anotherAccount(http, alice, "bob");
        const auto bobFiles = writeAssetFiles(fx.app(), insertAsset(fx.app(), bob.id));
        // No event is delivered any more: only the outbox can remember the files.
        fx.app().bus().stop();
        auto r = sendJson(http, "DELETE", "/api/users/me", {{"password", kPassword}}, bob.auth());
        REQUIRE_MESSAGE(r.status == 204, r.body);
        auto jobs = bodyOf(http.get("/api/admin/jobs", alice.auth()))["items"];
        int removals = 0;
        for (const auto& job : jobs)
            if (job["kind"] == "images.deleteUserFiles") ++removals;
        CHECK(removals == 1);
        // The queue's own poll picks it up without a wake-up. The job removes library/ and then derived/ (with
        // an fsync between them), so wait for every file, not for the first folder to go.
        CHECK(waitFor([&] { return !exists(fx.app(), "library/" + bob.id + "/"); }, std::chrono::seconds(15)));
        CHECK(waitFor(
            [&] {
                for (const auto& f : bobFiles)
                    if (exists(fx.app(), f)) return false;
                return true;
            },
            std::chrono::seconds(15)));
        for (const auto& f : bobFiles) CHECK_FALSE(exists(fx.app(), f));
    }

    TEST_CASE("DELETE /api/users/me removes the user's library and derivatives, and nobody else's") {
        AppFixture fx(fastAuth());
        HttpClient http(fx.port());
        auto alice = firstAccount(http, "alice");
        auto bob = anotherAccount(http, alice, "bob");
        std::vector<std::string> bobFiles;
        for (int i = 0; i < 3; ++i)
            for (const auto& f : writeAssetFiles(fx.app(), insertAsset(fx.app(), bob.id, kJuly2021Us + i)))
                bobFiles.push_back(f);
        const auto aliceFiles = writeAssetFiles(fx.app(), insertAsset(fx.app(), alice.id));

        auto r = sendJson(http, "DELETE", "/api/users/me", {{"password", kPassword}}, bob.auth());
        REQUIRE_MESSAGE(r.status == 204, r.body);
        const std::string bobLibrary = "library/" + bob.id + "/";
        const std::string bobDerived = "derived/" + bob.id + "/";
        CHECK(waitFor([&] { return !exists(fx.app(), bobLibrary) && !exists(fx.app(), bobDerived); }));
        for (const auto& f : bobFiles) CHECK_FALSE(exists(fx.app(), f));
        for (const auto& f : aliceFiles) CHECK(exists(fx.app(), f));
        CHECK(bodyOf(http.get("/api/assets", alice.auth()))["items"].size() == 1);
    }

    TEST_CASE("usage reaches /api/users/me/usage and the admin's view of a user") {
        AppFixture fx(fastAuth());
        HttpClient http(fx.port());
        auto alice = firstAccount(http, "alice");
        auto bob = anotherAccount(http, alice, "bob");
        insertAsset(fx.app(), bob.id, kJuly2021Us, [](auto& a) { a.sizeBytes = 1000; });
        insertAsset(fx.app(), bob.id, kJuly2021Us, [](auto& a) {
            a.type = "video";
            a.mimeType = "video/mp4";
            a.sizeBytes = 5000;
            a.derivedBytes = 70;
        });
        auto usage = bodyOf(http.get("/api/users/me/usage", bob.auth()));
        CHECK(usage["assets"] == 2);
        CHECK(usage["images"] == 1);
        CHECK(usage["videos"] == 1);
        CHECK(usage["bytesOriginals"] == 6000);
        CHECK(usage["bytesDerived"] == 70);
        CHECK(usage["bandwidthBytesThisMonth"] == 0);
        auto admin = bodyOf(http.get("/api/admin/users/" + bob.id, alice.auth()));
        CHECK(admin["usage"]["bytesOriginals"] == 6000);
        CHECK(bodyOf(http.get("/api/users/me/usage", alice.auth()))["assets"] == 0);
    }

    TEST_CASE("derivative.created and derivative.failed keep the asset's derivatives and URLs current") {
        AppFixture fx(fastAuth());
        HttpClient http(fx.port());
        auto alice = firstAccount(http, "alice");
        auto asset = insertAsset(fx.app(), alice.id);
        writeAssetFiles(fx.app(), asset);  // thumbnail.webp (5 bytes) + preview.jpg (7 bytes)
        const auto path = "/api/assets/" + asset.id;
        auto& bus = fx.app().bus();
        bus.publish(images::DerivativeCreated{asset.id, alice.id, "thumbnail", 3});
        bus.publish(images::DerivativeFailed{asset.id, alice.id, "video", "not a video"});
        bus.publish(images::DerivativeCreated{asset.id, alice.id, "mp3", 1});  // a conversion: not tracked
        CHECK(waitFor([&] {
            auto j = bodyOf(http.get(path, alice.auth()));
            return j["derivatives"]["thumbnail"] == "ready" && j["derivatives"]["video"] == "failed";
        }));
        auto j = bodyOf(http.get(path, alice.auth()));
        CHECK(j["derivatives"]["preview"] == "pending");
        CHECK(j["thumbnailUrl"] == path + "/thumbnail?size=thumbnail&v=3");
        CHECK(j["previewUrl"] == path + "/thumbnail?size=preview&v=0");
        CHECK(bodyOf(http.get("/api/users/me/usage", alice.auth()))["bytesDerived"] == 12);

        // A late duplicate of an older version does not move the URL back.
        bus.publish(images::DerivativeCreated{asset.id, alice.id, "thumbnail", 2});
        bus.publish(images::DerivativeCreated{asset.id, alice.id, "preview", 1});
        CHECK(waitFor([&] { return bodyOf(http.get(path, alice.auth()))["derivatives"]["preview"] == "ready"; }));
        CHECK(bodyOf(http.get(path, alice.auth()))["thumbnailUrl"] == path + "/thumbnail?size=thumbnail&v=3");
    }
}

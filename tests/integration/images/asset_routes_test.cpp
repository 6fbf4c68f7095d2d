// GET|PATCH|DELETE /api/assets/{id}: the object, each editable field, validation, trash and permanent deletion
// (files removed by a durable job), and the events each change publishes.
#include <doctest/doctest.h>

#include <mutex>

#include "app_fixture.hpp"
#include "images_api.hpp"
#include "obscura/base/clock.hpp"
#include "obscura/base/ids.hpp"
#include "obscura/base/rfc3339.hpp"
#include "obscura/images/events.hpp"
#include "obscura/kernel/bus.hpp"
#include "obscura/kernel/job_queue.hpp"
#include "obscura/storage/storage.hpp"
#include "test_support.hpp"

using namespace obscura;
using namespace obscura::test;

namespace {

// Records the names of asset events as they are delivered.
struct EventLog {
    std::mutex mutex;
    std::vector<std::string> names;
    std::vector<Bus::Subscription> subscriptions;

    explicit EventLog(Bus& bus) {
        add<images::AssetUpdated>(bus);
        add<images::AssetTrashed>(bus);
        add<images::AssetRestored>(bus);
        add<images::AssetDeleted>(bus);
    }
    template <typename E>
    void add(Bus& bus) {
        subscriptions.push_back(bus.subscribe<E>("test.events", [this](const E& e) {
            std::lock_guard lock(mutex);
            names.push_back(std::string(E::kName) + ":" + e.id);
        }));
    }
    bool has(const std::string& entry) {
        std::lock_guard lock(mutex);
        return std::find(names.begin(), names.end(), entry) != names.end();
    }
};

}  // namespace

TEST_SUITE("images.asset") {
    TEST_CASE("GET answers the asset; unknown and malformed ids are 404; statistics is not an id") {
        AppFixture fx(fastAuth());
        HttpClient http(fx.port());
        auto alice = firstAccount(http, "alice");
        auto asset = insertAsset(fx.app(), alice.id);
        auto r = http.get("/api/assets/" + asset.id, alice.auth());
        REQUIRE(r.status == 200);
        CHECK(bodyOf(r)["id"] == asset.id);
        CHECK(bodyOf(r)["originalFileName"] == asset.originalFileName);
        CHECK(http.get("/api/assets/3f0c6f4e-0000-4000-8000-000000000000", alice.auth()).status == 404);
        CHECK(http.get("/api/assets/not-an-id", alice.auth()).status == 404);
        auto stats = http.get("/api/assets/statistics", alice.auth());
        REQUIRE(stats.status == 200);
        CHECK(bodyOf(stats) == nlohmann::json({{"images", 1}, {"videos", 0}, {"total", 1}}));
        CHECK(http.get("/api/assets/" + asset.id).status == 401);
    }

    TEST_CASE("PATCH changes each field, answers 200 with the whole object, and publishes asset.updated") {
        AppFixture fx(fastAuth());
        EventLog events(fx.app().bus());
        HttpClient http(fx.port());
        auto alice = firstAccount(http, "alice");
        auto asset = insertAsset(fx.app(), alice.id);
        const nlohmann::json patch = {{"title", "Summer"},
                                      {"description", "Line 1\nLine 2"},
                                      {"tags", {" beach ", "Family", "BEACH", ""}},
                                      {"isFavorite", true},
                                      {"isArchived", true},
                                      {"takenAt", "2020-01-02T03:04:05-05:00"},
                                      {"unknownField", 1}};
        auto r = sendJson(http, "PATCH", "/api/assets/" + asset.id, patch, alice.auth());
        REQUIRE_MESSAGE(r.status == 200, r.body);
        auto body = bodyOf(r);
        CHECK(body["id"] == asset.id);
        CHECK(body["title"] == "Summer");
        CHECK(body["description"] == "Line 1\nLine 2");
        CHECK(body["tags"] == nlohmann::json::array({"beach", "Family"}));
        CHECK(body["isFavorite"] == true);
        CHECK(body["isArchived"] == true);
        CHECK(body["takenAt"] == "2020-01-02T03:04:05-05:00");
        CHECK(body.contains("exifInfo"));
        CHECK(bodyOf(http.get("/api/assets/" + asset.id, alice.auth())) == body);
        CHECK(waitFor([&] { return events.has("asset.updated:" + asset.id); }));

        // Only what is sent changes; "" clears text.
        r = sendJson(http, "PATCH", "/api/assets/" + asset.id, {{"isArchived", false}, {"title", ""}}, alice.auth());
        REQUIRE(r.status == 200);
        CHECK(bodyOf(r)["title"] == "");
        CHECK(bodyOf(r)["isArchived"] == false);
        CHECK(bodyOf(r)["isFavorite"] == true);
        CHECK(bodyOf(r)["description"] == "Line 1\nLine 2");
        // The new takenAt moves it in the timeline.
        auto timeline = bodyOf(http.get("/api/timeline", alice.auth()));
        CHECK(timeline["buckets"] == nlohmann::json::array({{{"month", "2020-01"}, {"count", 1}}}));
    }

    TEST_CASE(
        "PATCH: not a JSON object or a wrongly typed field is 400, a value breaking a rule 422, and nothing changes") {
        AppFixture fx(fastAuth());
        HttpClient http(fx.port());
        auto alice = firstAccount(http, "alice");
        auto asset = insertAsset(fx.app(), alice.id, kJuly2021Us, [](auto& a) { a.title = "keep"; });
        const auto path = "/api/assets/" + asset.id;
        for (const std::string raw : {"{", "[]", "\"x\"", "nul"}) {
            auto r = http.request("PATCH", path, {{"Content-Type", "application/json"}, alice.auth()[0]}, raw);
            CHECK_MESSAGE(r.status == 400, raw << " -> " << r.body);
        }
        for (const auto& bad : std::vector<nlohmann::json>{{{"title", 5}},
                                                           {{"title", nullptr}},
                                                           {{"tags", "beach"}},
                                                           {{"tags", {1, 2}}},
                                                           {{"tags", nullptr}},
                                                           {{"isFavorite", "yes"}},
                                                           {{"isArchived", 1}},
                                                           {{"takenAt", nullptr}},
                                                           {{"takenAt", 20210704}}}) {
            auto r = sendJson(http, "PATCH", path, bad, alice.auth());
            CHECK_MESSAGE(r.status == 400, bad.dump() << " -> " << r.status);
            CHECK(errorCode(r) == "bad_request");
        }
        for (const auto& bad : std::vector<nlohmann::json>{{{"title", std::string(501, 'x')}},
                                                           {{"title", "tab\there"}},
                                                           {{"description", std::string(10001, 'x')}},
                                                           {{"tags", {"a,b"}}},
                                                           {{"tags", {std::string(101, 't')}}},
                                                           {{"takenAt", "2021-07-04T10:20:30"}},
                                                           {{"takenAt", "yesterday"}},
                                                           {{"title", "new"}, {"takenAt", "2021-13-01T00:00:00Z"}}}) {
            auto r = sendJson(http, "PATCH", path, bad, alice.auth());
            CHECK_MESSAGE(r.status == 422, bad.dump() << " -> " << r.status);
            CHECK(errorCode(r) == "invalid");
        }
        nlohmann::json many = {{"tags", nlohmann::json::array()}};
        for (int i = 0; i < 101; ++i) many["tags"].push_back("t" + std::to_string(i));
        CHECK(sendJson(http, "PATCH", path, many, alice.auth()).status == 422);
        CHECK(bodyOf(http.get(path, alice.auth()))["title"] == "keep");
        // An empty object changes nothing but is fine.
        CHECK(sendJson(http, "PATCH", path, nlohmann::json::object(), alice.auth()).status == 200);
    }

    TEST_CASE("DELETE moves to the trash (204, idempotent); ?permanent=true removes the row and the files") {
        AppFixture fx(fastAuth());
        EventLog events(fx.app().bus());
        HttpClient http(fx.port());
        auto alice = firstAccount(http, "alice");
        auto asset = insertAsset(fx.app(), alice.id);
        const auto files = writeAssetFiles(fx.app(), asset);
        const auto path = "/api/assets/" + asset.id;

        auto r = http.request("DELETE", path, alice.auth());
        CHECK(r.status == 204);
        CHECK(r.body.empty());
        auto got = bodyOf(http.get(path, alice.auth()));
        CHECK(got["isTrashed"] == true);
        CHECK(got["trashedAt"].is_string());
        CHECK(http.request("DELETE", path, alice.auth()).status == 204);  // already in the trash
        CHECK(waitFor([&] { return events.has("asset.trashed:" + asset.id); }));
        for (const auto& f : files) CHECK(exists(fx.app(), f));  // the trash keeps the files

        CHECK(http.request("DELETE", path + "?permanent=maybe", alice.auth()).status == 400);
        r = http.request("DELETE", path + "?permanent=true", alice.auth());
        CHECK(r.status == 204);
        CHECK(http.get(path, alice.auth()).status == 404);
        CHECK(http.request("DELETE", path + "?permanent=true", alice.auth()).status == 404);
        CHECK(waitFor([&] { return !exists(fx.app(), files[0]) && !exists(fx.app(), files[2]); }));
        CHECK(waitFor([&] { return events.has("asset.deleted:" + asset.id); }));

        // A live asset can be deleted for good directly.
        auto live = insertAsset(fx.app(), alice.id);
        const auto liveFiles = writeAssetFiles(fx.app(), live);
        CHECK(http.request("DELETE", "/api/assets/" + live.id + "?permanent=true", alice.auth()).status == 204);
        CHECK(waitFor([&] { return !exists(fx.app(), liveFiles[0]) && !exists(fx.app(), liveFiles[2]); }));
        auto usage = bodyOf(http.get("/api/users/me/usage", alice.auth()));
        CHECK(usage["assets"] == 0);
        CHECK(usage["bytesOriginals"] == 0);
    }

    TEST_CASE("permanent deletion is durable: a file job pending when the process stops runs after a restart") {
        TempDir dir;
        const std::string dataDir = dir.path() + "/data";
        std::vector<std::string> files;
        {
            auto app = startApp(dataDir);
            HttpClient http(app->port());
            auto alice = firstAccount(http, "alice");
            auto asset = insertAsset(*app, alice.id);
            files = writeAssetFiles(*app, asset);
            // The route's transaction (row gone, job recorded), with the job due a little later so that this
            // process stops before any worker runs it: the state a crash right after the commit leaves.
            auto status = app->storage().transaction([&](storage::Repositories& repos) -> Status {
                OBSCURA_TRY(gone, repos.images().deleteAsset(alice.id, asset.id, false));
                if (!gone) return internalError("asset not deleted");
                storage::NewJob job;
                job.id = newUuid();
                job.kind = "images.deleteAssetFiles";
                job.payload =
                    nlohmann::json(
                        {{"ownerId", asset.ownerId}, {"assetId", asset.id}, {"storagePath", asset.storagePath}})
                        .dump();
                job.ownerId = asset.ownerId;
                job.assetId = asset.id;
                job.dedupeKey = asset.id;
                const Clock& clock = app->clock();
                job.runAfterUs = clock.nowUs() + 1500000;
                job.createdAt = formatRfc3339(clock.nowUs());
                OBSCURA_TRY_STATUS(JobQueue::enqueueIn(repos, job, clock));
                return {};
            });
            REQUIRE_MESSAGE(status.ok(), (status.ok() ? "" : status.error().message));
            for (const auto& f : files) CHECK(exists(*app, f));
            app->stop();
        }
        auto restarted = startApp(dataDir);
        CHECK(waitFor([&] { return !exists(*restarted, files[0]) && !exists(*restarted, files[2]); },
                      std::chrono::seconds(15)));
    }
}

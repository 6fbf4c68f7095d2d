// Near-duplicates and related photos through HTTP (issue 22), on one server: real photos made by vips (a scene, its
// half-size copy re-encoded at JPEG quality 60, unrelated scenes) hashed by the media module's thumbnail job;
// GET /api/duplicates groups the copies and nothing else, ?distance= outside 0-64 is 422, a dismissed group stays
// dismissed, resolving trashes through the trash (and the pair stays resolved after a restore), and nobody sees,
// resolves or dismisses another user's groups. Related photos: the copy first, only what the caller may see, 404
// for an asset the caller cannot see. The backfill: an image older than hashing gets its hash from its thumbnail.
#include <doctest/doctest.h>

#include <cmath>
#include <random>
#include <thread>

#include "app_fixture.hpp"
#include "media_api.hpp"
#include "media_fixtures.hpp"
#include "obscura/base/ids.hpp"
#include "obscura/blobs/blob_store.hpp"
#include "obscura/storage/storage.hpp"

using namespace obscura;
using namespace obscura::test;
using namespace obscura::media::test;

namespace {

const TempDir& dir() {
    static TempDir d;
    return d;
}

// A smooth random scene (three waves of random direction and phase per channel): scenes of different seeds share
// no structure, so their hashes are about 32 bits apart.
std::string scene(int seed) {
    const std::string ppm = dir() / ("scene" + std::to_string(seed) + ".ppm");
    const std::string jpg = dir() / ("scene" + std::to_string(seed) + ".jpg");
    std::mt19937 random(static_cast<unsigned>(seed));
    std::uniform_real_distribution<double> u(0, 1);
    double w[3][3][4];
    for (auto& channel : w)
        for (auto& wave : channel)
            wave[0] = u(random) * 6 - 3, wave[1] = u(random) * 6 - 3, wave[2] = u(random) * 6.3, wave[3] = u(random);
    writePpm(ppm, 1200, 800, [&](int x, int y) {
        int c[3];
        for (int k = 0; k < 3; ++k) {
            double v = 0;
            for (auto& wave : w[k]) v += wave[3] * std::sin(wave[0] * x / 200.0 + wave[1] * y / 200.0 + wave[2]);
            c[k] = std::clamp(static_cast<int>(128 + 50 * v), 0, 255);
        }
        return Rgb{c[0], c[1], c[2]};
    });
    tool({"vips", "copy", ppm, jpg + "[Q=92]"});
    return jpg;
}

// Half the size, re-encoded at quality 60: what a messenger does to a photo.
std::string copyOf(const std::string& jpg, const std::string& name) {
    const std::string out = dir() / name;
    tool({"vips", "resize", jpg, out + "[Q=60]", "0.5"});
    return out;
}

std::string uploadSettled(HttpClient& http, const MediaUser& user, const std::string& path) {
    const auto id = uploadOk(http, user, path);
    REQUIRE(settle(http, user, id, "thumbnail") == "ready");
    return id;
}

nlohmann::json duplicates(HttpClient& http, const MediaUser& user, const std::string& query = "") {
    auto r = http.get("/api/duplicates" + query, user.auth());
    REQUIRE_MESSAGE(r.status == 200, r.body);
    return bodyOf(r);
}

std::vector<std::string> idsOf(const nlohmann::json& group) {
    std::vector<std::string> ids;
    for (const auto& a : group["assets"]) ids.push_back(a["id"].get<std::string>());
    std::sort(ids.begin(), ids.end());
    return ids;
}

std::vector<std::string> sorted(std::vector<std::string> v) {
    std::sort(v.begin(), v.end());
    return v;
}

// A new asset row of the owner carrying `original`'s thumbnail, ready, without a hash (as before issue 22).
std::string olderCopyOf(App& app, HttpClient& http, const MediaUser& owner, const std::string& original) {
    storage::AssetRecord record;
    REQUIRE(app.storage()
                .run([&](storage::Repositories& r) -> Status {
                    OBSCURA_TRY(found, r.images().findAsset(owner.id, original));
                    if (!found) return notFound("original");
                    record = *found;
                    return {};
                })
                .ok());
    const std::string id = newUuid();
    record.id = id;
    record.checksum = std::string(40, 'a');
    record.storagePath = "library/" + owner.id + "/2021/07/" + id + ".jpg";
    REQUIRE(app.storage()
                .run([&](storage::Repositories& r) -> Status {
                    OBSCURA_TRY_STATUS(r.images().createAsset(record));
                    OBSCURA_TRY(written, r.images().setDerivativeState(id, storage::kDerivativeThumbnail,
                                                                       storage::kDerivativeReady, 1, std::nullopt));
                    (void)written;
                    return {};
                })
                .ok());
    const std::string thumb = dir() / (id + ".webp");
    fetchTo(http, owner, "/api/assets/" + original + "/thumbnail", thumb);
    REQUIRE(app.blobs().put("derived/" + owner.id + "/" + id + "/thumbnail.webp", thumb, {}).ok());
    return id;
}

// One server for the whole file (fixtures made once): alice's photos, bob her partner, carol a stranger.
struct World {
    AppFixture fx{fastAuth()};
    HttpClient http{fx.port()};
    MediaUser alice = mediaAdmin(http);
    MediaUser bob = mediaUser(http, alice, "bob");
    MediaUser carol = mediaUser(http, alice, "carol");
    std::string a = uploadSettled(http, alice, scene(1));
    std::string aCopy = uploadSettled(http, alice, copyOf(scene(1), "copy1.jpg"));
    std::string b = uploadSettled(http, alice, scene(2));
    std::string c = uploadSettled(http, alice, scene(3));
    World() { REQUIRE(http.request("POST", "/api/partners/" + bob.id, alice.auth()).status == 201); }
};

World& world() {
    static World w;
    return w;
}

}  // namespace

TEST_SUITE("media.dupes") {
    TEST_CASE("a photo and its resized re-encoded copy form one group with sizes and dates; nothing else is grouped") {
        auto& w = world();
        const auto groups = duplicates(w.http, w.alice);
        REQUIRE(groups.size() == 1);
        CHECK(idsOf(groups[0]) == sorted({w.a, w.aCopy}));
        CHECK(isUuid(groups[0]["duplicateId"].get<std::string>()));
        for (const auto& asset : groups[0]["assets"]) {
            CHECK(asset["sizeBytes"].get<std::int64_t>() > 0);
            CHECK(asset["width"].get<int>() > 0);
            CHECK(asset.contains("takenAt"));
        }
        // The same group again: the id is stable while the group is.
        CHECK(duplicates(w.http, w.alice)[0]["duplicateId"] == groups[0]["duplicateId"]);
        CHECK(duplicates(w.http, w.alice, "?distance=0").size() <= 1);
        // A partner sees none of it: the duplicates page is the caller's own library.
        CHECK(duplicates(w.http, w.bob).empty());
    }

    TEST_CASE("a distance outside 0-64 or not a number is 422 naming distance") {
        auto& w = world();
        for (const char* q : {"?distance=65", "?distance=-1", "?distance=abc", "?distance=", "?distance=6.5"}) {
            CAPTURE(q);
            auto r = w.http.get(std::string("/api/duplicates") + q, w.alice.auth());
            CHECK(r.status == 422);
            CHECK(errorCode(r) == "invalid");
            CHECK(r.body.find("distance") != std::string::npos);
        }
        CHECK(w.http.get("/api/duplicates?distance=64", w.alice.auth()).status == 200);
        CHECK(w.http.request("DELETE", "/api/duplicates/" + newUuid() + "?distance=99", w.alice.auth()).status == 422);
    }

    TEST_CASE("related photos: the copy first, only what the caller sees, 404 when the caller cannot see the asset") {
        auto& w = world();
        auto r = w.http.get("/api/assets/" + w.a + "/related", w.alice.auth());
        REQUIRE_MESSAGE(r.status == 200, r.body);
        auto related = bodyOf(r);
        REQUIRE(related.size() >= 1);
        CHECK(related[0]["id"] == w.aCopy);
        CHECK(related[0]["related"]["hashDistance"].get<int>() <= 6);
        CHECK(related[0]["related"]["score"].get<double>() > 0);
        for (const auto& item : related) CHECK(item["id"] != w.a);
        // Bob (partner) sees alice's live, unarchived photos: archive b, and it never comes back to him.
        REQUIRE(sendJson(w.http, "PATCH", "/api/assets/" + w.b, {{"isArchived", true}}, w.alice.auth()).status == 200);
        auto forBob = w.http.get("/api/assets/" + w.a + "/related?limit=50", w.bob.auth());
        REQUIRE(forBob.status == 200);
        bool sawCopy = false;
        for (const auto& item : bodyOf(forBob)) {
            CHECK(item["id"] != w.b);
            sawCopy = sawCopy || item["id"] == w.aCopy;
        }
        CHECK(sawCopy);
        REQUIRE(sendJson(w.http, "PATCH", "/api/assets/" + w.b, {{"isArchived", false}}, w.alice.auth()).status == 200);
        CHECK(w.http.get("/api/assets/" + w.a + "/related", w.carol.auth()).status == 404);
        CHECK(w.http.get("/api/assets/" + newUuid() + "/related", w.alice.auth()).status == 404);
        for (const char* q : {"?limit=0", "?limit=51", "?limit=x"})
            CHECK(w.http.get("/api/assets/" + w.a + "/related" + q, w.alice.auth()).status == 400);
    }

    TEST_CASE("nobody resolves or dismisses another user's group; bad bodies are 400/422") {
        auto& w = world();
        const auto groupId = duplicates(w.http, w.alice)[0]["duplicateId"].get<std::string>();
        CHECK(w.http.request("DELETE", "/api/duplicates/" + groupId, w.carol.auth()).status == 404);
        CHECK(w.http.request("DELETE", "/api/duplicates/" + groupId, w.bob.auth()).status == 404);
        const nlohmann::json steal = {
            {"groups", {{{"duplicateId", groupId}, {"keepAssetIds", {w.a}}, {"trashAssetIds", {w.aCopy}}}}}};
        auto byCarol = postJson(w.http, "/api/duplicates/resolve", steal, w.carol.auth());
        REQUIRE(byCarol.status == 200);
        CHECK(bodyOf(byCarol)[0]["success"] == false);
        CHECK(bodyOf(byCarol)[0]["error"] == "not_found");
        auto byBob = postJson(w.http, "/api/duplicates/resolve", steal, w.bob.auth());
        CHECK(bodyOf(byBob)[0]["error"] == "forbidden");  // he sees them (partner), they are not his
        CHECK_FALSE(assetOf(w.http, w.alice, w.aCopy)["isTrashed"].get<bool>());
        CHECK(duplicates(w.http, w.alice).size() == 1);

        CHECK(postJson(w.http, "/api/duplicates/resolve", nlohmann::json::object(), w.alice.auth()).status == 400);
        CHECK(
            postJson(w.http, "/api/duplicates/resolve", {{"groups", {{{"duplicateId", 1}}}}}, w.alice.auth()).status ==
            400);
        const nlohmann::json both = {
            {"groups", {{{"duplicateId", groupId}, {"keepAssetIds", {w.a}}, {"trashAssetIds", {w.a}}}}}};
        CHECK(postJson(w.http, "/api/duplicates/resolve", both, w.alice.auth()).status == 422);
    }

    TEST_CASE("resolving trashes through the trash; a dismissed group stays dismissed, also after a restore") {
        auto& w = world();
        // A second pair to dismiss rather than resolve.
        const auto d = uploadSettled(w.http, w.alice, scene(4));
        const auto dCopy = uploadSettled(w.http, w.alice, copyOf(scene(4), "copy4.jpg"));
        auto groups = duplicates(w.http, w.alice);
        REQUIRE(groups.size() == 2);
        std::string aGroup, dGroup;
        for (const auto& g : groups) (idsOf(g) == sorted({d, dCopy}) ? dGroup : aGroup) = g["duplicateId"];
        REQUIRE(!aGroup.empty());
        REQUIRE(!dGroup.empty());

        CHECK(w.http.request("DELETE", "/api/duplicates/" + dGroup, w.alice.auth()).status == 204);
        CHECK(w.http.request("DELETE", "/api/duplicates/" + dGroup, w.alice.auth()).status == 404);
        groups = duplicates(w.http, w.alice);
        REQUIRE(groups.size() == 1);
        CHECK(groups[0]["duplicateId"] == aGroup);

        const nlohmann::json resolve = {
            {"groups", {{{"duplicateId", aGroup}, {"keepAssetIds", {w.a}}, {"trashAssetIds", {w.aCopy}}}}}};
        auto resolved = postJson(w.http, "/api/duplicates/resolve", resolve, w.alice.auth());
        REQUIRE_MESSAGE(resolved.status == 200, resolved.body);
        CHECK(bodyOf(resolved)[0]["id"] == aGroup);
        CHECK(bodyOf(resolved)[0]["success"] == true);
        CHECK(assetOf(w.http, w.alice, w.aCopy)["isTrashed"].get<bool>());
        CHECK_FALSE(assetOf(w.http, w.alice, w.a)["isTrashed"].get<bool>());
        CHECK(duplicates(w.http, w.alice).empty());
        // Back from the trash, the copy is still resolved: the owner decided.
        REQUIRE(postJson(w.http, "/api/trash/restore", {{"ids", {w.aCopy}}}, w.alice.auth()).status == 200);
        CHECK(duplicates(w.http, w.alice).empty());
        // A larger distance still honours the dismissed pairs.
        CHECK(duplicates(w.http, w.alice, "?distance=12").empty());
    }

    TEST_CASE("an image older than hashing gets its hash from its stored thumbnail by the backfill job at start") {
        TempDir data;
        std::string owner, original, older;
        {
            auto app = startApp(data.path());
            HttpClient http(app->port());
            auto alice = mediaAdmin(http);
            owner = alice.id;
            original = uploadSettled(http, alice, scene(5));
            // "Older than hashing": a row whose thumbnail is ready and has no hash — the original's own thumbnail
            // under another asset, made through the storage and blob APIs.
            older = olderCopyOf(*app, http, alice, original);
            app->stop();
        }
        auto app = startApp(data.path());
        HttpClient http(app->port());
        MediaUser alice{owner, login(http, "alice").access};
        nlohmann::json groups;
        for (int i = 0; i < 600; ++i) {
            groups = duplicates(http, alice);
            if (!groups.empty()) break;
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        REQUIRE(groups.size() == 1);
        CHECK(idsOf(groups[0]) == sorted({original, older}));
        // The hash is written before the job records its own success: poll for that too.
        bool succeeded = false;
        for (int i = 0; i < 200 && !succeeded; ++i) {
            auto jobs = http.get("/api/admin/jobs?state=succeeded", alice.auth());
            REQUIRE(jobs.status == 200);
            succeeded = jobs.body.find("media.hashBackfill") != std::string::npos;
            if (!succeeded) std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        CHECK(succeeded);
    }
}

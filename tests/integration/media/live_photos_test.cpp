// Live photos through HTTP (DESIGN.md section 12): a JPEG made by vips and 2-s QuickTime movies made by ffmpeg,
// paired by Apple's content identifier (the movie's com.apple.quicktime.content.identifier, written by ffmpeg; the
// still's XMP ContentIdentifier, written by exiftool with tests/support/live_photo.exiftool_config) or, without
// identifiers, by base name and capture time within 2 s — in either upload order. The still names its video
// (livePhotoVideoId), the video leaves the listing, search and timeline, goes to the trash and back with the still,
// and stays another user's 404.
#include <doctest/doctest.h>

#include <algorithm>
#include <stdexcept>
#include <thread>

#include "app_fixture.hpp"
#include "media_api.hpp"
#include "test_support.hpp"

using namespace obscura;
using namespace obscura::test;

namespace {

constexpr const char* kIdX = "5A1C8E2B-3F4D-4E6A-9B7C-0D1E2F3A4B5C";
constexpr const char* kIdY = "0F9E8D7C-6B5A-4938-8271-605F4E3D2C1B";
constexpr const char* kIdZ = "7B3E1D9A-2C4F-4A8B-9E6D-1F2A3B4C5D6E";

void tool(const std::vector<std::string>& argv, const std::string& workDir) {
    auto r = run(argv, {}, workDir, std::chrono::seconds(120));
    if (r.exitCode != 0) throw std::runtime_error("fixture tool failed: " + argv[0] + ": " + r.err + r.out);
}

// Made once per binary. Stills are random noise, so every one has its own checksum.
class LiveFixtures {
public:
    static const LiveFixtures& get() {
        static const LiveFixtures fixtures;
        return fixtures;
    }
    std::string path(const std::string& name) const { return dir_.path() + "/" + name; }

private:
    LiveFixtures() {
        const std::string& d = dir_.path();
        const std::string config = sourceDir() + "/tests/support/live_photo.exiftool_config";
        auto still = [&](const std::string& name, const std::string& contentId) {
            tool({"vips", "gaussnoise", "n.v", "64", "48"}, d);
            tool({"vips", "bandjoin", "n.v n.v n.v", "rgb.v"}, d);
            tool({"vips", "cast", "rgb.v", "rgb8.v", "uchar"}, d);
            tool({"vips", "copy", "rgb8.v", name, "--interpretation", "srgb"}, d);
            std::vector<std::string> argv = {"exiftool",
                                             "-config",
                                             config,
                                             "-q",
                                             "-q",
                                             "-overwrite_original",
                                             "-EXIF:DateTimeOriginal=2021:07:04 10:20:30",
                                             "-EXIF:OffsetTimeOriginal=+00:00"};
            if (!contentId.empty()) argv.push_back("-XMP-LivePhoto:ContentIdentifier=" + contentId);
            argv.push_back(name);
            tool(argv, d);
        };
        auto movie = [&](const std::string& name, const std::string& contentId, const std::string& createdAt) {
            std::vector<std::string> argv = {"ffmpeg",    "-loglevel",
                                             "error",     "-y",
                                             "-f",        "lavfi",
                                             "-i",        "testsrc=duration=2:size=64x48:rate=10",
                                             "-c:v",      "mpeg4",
                                             "-metadata", "creation_time=" + createdAt,
                                             "-movflags", "use_metadata_tags"};
            if (!contentId.empty()) {
                argv.push_back("-metadata");
                argv.push_back("com.apple.quicktime.content.identifier=" + contentId);
            }
            argv.push_back(name);
            tool(argv, d);
        };
        still("x.jpg", kIdX);
        still("y.jpg", kIdY);
        still("plain1.jpg", "");
        still("plain2.jpg", "");
        still("plain3.jpg", "");
        still("z.jpg", kIdZ);
        // The identified movies are taken hours from their stills and named otherwise: only the identifier pairs.
        movie("x.mov", kIdX, "2021-07-04T15:00:00Z");
        movie("y.mov", kIdY, "2021-07-04T15:00:00Z");
        movie("near.mov", "", "2021-07-04T10:20:31Z");   // 1 s after the stills
        movie("near2.mov", "", "2021-07-04T10:20:29Z");  // 1 s before
        movie("far.mov", "", "2021-07-04T10:20:33Z");    // 3 s after
        movie("z.mov", kIdZ, "2021-07-04T15:00:00Z");
    }
    TempDir dir_;
};

std::string upload(HttpClient& http, const MediaUser& user, const std::string& name, const std::string& fileName) {
    auto r = uploadPath(http, user, LiveFixtures::get().path(name), fileName);
    REQUIRE_MESSAGE(r.status == 201, name << ": " << r.status << " " << r.body);
    return bodyOf(r)["id"].get<std::string>();
}

std::vector<std::string> idsOf(HttpClient& http, const MediaUser& user, const std::string& target) {
    auto r = http.get(target, user.auth());
    REQUIRE_MESSAGE(r.status == 200, target << ": " << r.status << " " << r.body);
    std::vector<std::string> ids;
    const auto body = bodyOf(r);
    REQUIRE_MESSAGE(body.contains("items"), r.body);
    for (const auto& item : body["items"]) ids.push_back(item["id"].get<std::string>());
    return ids;
}

bool contains(const std::vector<std::string>& ids, const std::string& id) {
    return std::find(ids.begin(), ids.end(), id) != ids.end();
}

}  // namespace

TEST_SUITE("media.live_photos") {
    TEST_CASE("live photos pair by identifier or name and time, in either order, and the video follows its still") {
        // The fixtures first: made lazily inside the first upload, they took long enough on a loaded machine for the
        // server to close the client's idle kept-alive connection under the upload's body.
        LiveFixtures::get();
        AppFixture fx(fastAuth());
        HttpClient http(fx.port());
        auto alice = mediaAdmin(http);
        auto bob = mediaUser(http, alice, "bob");

        // By identifier, still first and video first; the names and times would never pair them.
        const std::string stillX = upload(http, alice, "x.jpg", "IMG_1000.JPG");
        CHECK(assetOf(http, alice, stillX)["livePhotoVideoId"].is_null());
        const std::string videoX = upload(http, alice, "x.mov", "clip_a.mov");
        CHECK(assetOf(http, alice, stillX)["livePhotoVideoId"] == videoX);
        const std::string videoY = upload(http, alice, "y.mov", "clip_b.MOV");
        const std::string stillY = upload(http, alice, "y.jpg", "IMG_2000.JPG");
        CHECK(assetOf(http, alice, stillY)["livePhotoVideoId"] == videoY);
        CHECK(assetOf(http, alice, videoY)["livePhotoVideoId"].is_null());

        // Without identifiers: the same base name (any case) within 2 s, in either order; 3 s apart stays apart.
        const std::string plain1 = upload(http, alice, "plain1.jpg", "IMG_3000.JPG");
        const std::string near = upload(http, alice, "near.mov", "img_3000.mov");
        CHECK(assetOf(http, alice, plain1)["livePhotoVideoId"] == near);
        const std::string near2 = upload(http, alice, "near2.mov", "IMG_4000.MOV");
        const std::string plain2 = upload(http, alice, "plain2.jpg", "img_4000.jpg");
        CHECK(assetOf(http, alice, plain2)["livePhotoVideoId"] == near2);
        const std::string far = upload(http, alice, "far.mov", "IMG_5000.MOV");
        const std::string plain3 = upload(http, alice, "plain3.jpg", "IMG_5000.JPG");
        CHECK(assetOf(http, alice, plain3)["livePhotoVideoId"].is_null());

        // Paired videos are out of the listing, the video filter and search; unpaired ones stay.
        const auto listed = idsOf(http, alice, "/api/assets?limit=100");
        INFO(http.get("/api/assets?limit=100", alice.auth()).body);
        for (const auto& hidden : {videoX, videoY, near, near2}) {
            CAPTURE(hidden);
            CHECK_FALSE(contains(listed, hidden));
        }
        for (const auto& shown : {stillX, stillY, plain1, plain2, plain3, far}) {
            CAPTURE(shown);
            CHECK(contains(listed, shown));
        }
        CHECK_FALSE(contains(idsOf(http, alice, "/api/assets?type=video"), videoX));
        CHECK_FALSE(contains(idsOf(http, alice, "/api/search?q=clip"), videoX));
        CHECK(idsOf(http, alice, "/api/search?q=img_3000") == std::vector<std::string>{plain1});
        // The statistics count each pair once, as its still: 5 stills, and only the unpaired video.
        const auto statistics = bodyOf(http.get("/api/assets/statistics", alice.auth()));
        CHECK(statistics["images"] == 5);
        CHECK(statistics["videos"] == 1);
        CHECK(statistics["total"] == 6);
        // Still reachable by id, with its motion part downloadable.
        CHECK(assetOf(http, alice, videoX)["type"] == "video");
        CHECK(http.get("/api/assets/" + videoX + "/original", alice.auth()).status == 200);

        // Another user sees neither half.
        CHECK(http.get("/api/assets/" + stillX, bob.auth()).status == 404);
        CHECK(http.get("/api/assets/" + videoX, bob.auth()).status == 404);
        CHECK(http.get("/api/assets/" + videoX + "/original", bob.auth()).status == 404);

        // The video goes to the trash with its still and comes back with it.
        CHECK(http.request("DELETE", "/api/assets/" + stillX, alice.auth()).status < 300);
        CHECK(assetOf(http, alice, videoX)["isTrashed"] == true);
        CHECK_FALSE(contains(idsOf(http, alice, "/api/trash"), videoX));
        auto headers = alice.auth();
        headers.emplace_back("Content-Type", "application/json");
        auto restored = http.request("POST", "/api/trash/restore", headers, "{\"ids\":[\"" + stillX + "\"]}");
        CHECK_MESSAGE(restored.status == 200, restored.body);
        CHECK(assetOf(http, alice, stillX)["isTrashed"] == false);
        CHECK(assetOf(http, alice, videoX)["isTrashed"] == false);
        // Deleted for good, both rows go.
        CHECK(http.request("DELETE", "/api/assets/" + stillY + "?permanent=true", alice.auth()).status < 300);
        CHECK(http.get("/api/assets/" + videoY, alice.auth()).status == 404);

        // A still and its video sent at the same moment on two connections (Bob's own library) pair once: each
        // upload's transaction may miss the other's row, the look after the commit does not.
        std::string stillId, videoId;
        std::thread stillUpload([&] {
            HttpClient own(fx.port());
            auto r = uploadPath(own, bob, LiveFixtures::get().path("z.jpg"), "IMG_6000.JPG");
            if (r.status == 201) stillId = bodyOf(r)["id"].get<std::string>();
        });
        std::thread videoUpload([&] {
            HttpClient own(fx.port());
            auto r = uploadPath(own, bob, LiveFixtures::get().path("z.mov"), "clip_z.mov");
            if (r.status == 201) videoId = bodyOf(r)["id"].get<std::string>();
        });
        stillUpload.join();
        videoUpload.join();
        REQUIRE_FALSE(stillId.empty());
        REQUIRE_FALSE(videoId.empty());
        CHECK(assetOf(http, bob, stillId)["livePhotoVideoId"] == videoId);
        CHECK(idsOf(http, bob, "/api/assets?limit=100") == std::vector<std::string>{stillId});
        const auto bobs = bodyOf(http.get("/api/assets/statistics", bob.auth()));
        CHECK(bobs["images"] == 1);
        CHECK(bobs["videos"] == 0);
    }
}

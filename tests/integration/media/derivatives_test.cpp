// Uploads through HTTP become thumbnails, previews and playable videos made by the media module's jobs,
// checked with the real tools: vipsheader and vips getpoint for pictures, ffprobe for video.
#include <doctest/doctest.h>

#include "app_fixture.hpp"
#include "media_api.hpp"
#include "media_fixtures.hpp"

using namespace obscura;
using namespace obscura::test;
using namespace obscura::media::test;

namespace {

const TempDir& dir() {
    static TempDir d;
    return d;
}
std::string path(const std::string& name) { return dir() / name; }

std::string cameraJpeg(const std::string& upright, int o) {
    return obscura::media::test::cameraJpeg(upright, o, dir().path(), "orient" + std::to_string(o));
}

std::string card() {
    static const std::string c = [] {
        writeMarkedCard(path("card.ppm"), 1600, 1200, 200);
        return path("card.ppm");
    }();
    return c;
}

// Fetches both pictures of an asset once they are ready and checks their formats and sizes.
void checkPictures(HttpClient& http, const MediaUser& user, const std::string& id, const std::string& name,
                   int previewW, int previewH, int thumbW, int thumbH) {
    REQUIRE(settle(http, user, id, "thumbnail") == "ready");
    REQUIRE(settle(http, user, id, "preview") == "ready");
    auto asset = assetOf(http, user, id);
    fetchTo(http, user, asset["thumbnailUrl"].get<std::string>(), path(name + ".thumb.webp"));
    fetchTo(http, user, asset["previewUrl"].get<std::string>(), path(name + ".preview.jpg"));
    auto preview = header(path(name + ".preview.jpg"));
    CHECK(preview["vips-loader"] == "jpegload");
    CHECK(preview["interpretation"] == "srgb");
    CHECK(preview["format"] == "uchar");
    CHECK(intField(path(name + ".preview.jpg"), "width") == previewW);
    CHECK(intField(path(name + ".preview.jpg"), "height") == previewH);
    CHECK(header(path(name + ".thumb.webp"))["vips-loader"] == "webpload");
    CHECK(intField(path(name + ".thumb.webp"), "width") == thumbW);
    CHECK(intField(path(name + ".thumb.webp"), "height") == thumbH);
}

}  // namespace

TEST_SUITE("media.derivatives") {
    TEST_CASE("JPEGs in every EXIF orientation (1-8) get upright previews and thumbnails without EXIF or GPS") {
        AppFixture fx(fastAuth());
        HttpClient http(fx.port());
        auto alice = mediaAdmin(http);
        std::vector<std::string> ids;
        for (int o = 1; o <= 8; ++o) ids.push_back(uploadOk(http, alice, cameraJpeg(card(), o)));
        for (int o = 1; o <= 8; ++o) {
            CAPTURE(o);
            const std::string name = "orient" + std::to_string(o);
            checkPictures(http, alice, ids[o - 1], name, 1440, 1080, 333, 250);
            const std::string preview = path(name + ".preview.jpg"), thumb = path(name + ".thumb.webp");
            // The red marker is the upright scene's top-left corner, the green one its top-right.
            CHECK(isRed(pixel(preview, 90, 90)));
            CHECK(isGreen(pixel(preview, 1350, 90)));
            CHECK(isGrey(pixel(preview, 90, 990)));
            CHECK(isRed(pixel(thumb, 20, 20)));
            CHECK(isGreen(pixel(thumb, 312, 20)));
            for (const auto& file : {preview, thumb}) {
                for (const auto& group : metadataGroups(file)) {
                    CHECK_MESSAGE(group.find("EXIF") == std::string::npos, file << " has " << group);
                    CHECK_MESSAGE(group.find("GPS") == std::string::npos, file << " has " << group);
                }
            }
        }
    }

    TEST_CASE("PNG, 16-bit PNG, CMYK JPEG, progressive JPEG, WebP, HEIC and animated GIF all get sRGB derivatives") {
        tool({"vips", "copy", card(), path("f.png")});
        tool({"vips", "colourspace", card(), path("f16.png"), "rgb16"});
        tool({"vips", "colourspace", card(), path("fcmyk.v"), "cmyk"});
        tool({"vips", "jpegsave", path("fcmyk.v"), path("fcmyk.jpg"), "--strip"});
        tool({"vips", "jpegsave", card(), path("fprog.jpg"), "--interlace"});
        tool({"vips", "webpsave", card(), path("f.webp")});
        tool({"vips", "heifsave", card(), path("f.heic")});
        REQUIRE(header(path("f16.png"))["format"] == "ushort");
        REQUIRE(header(path("fcmyk.jpg"))["interpretation"] == "cmyk");
        REQUIRE(header(path("fprog.jpg"))["jpeg-multiscan"] == "1");
        tool({"ffmpeg",
              "-nostdin",
              "-loglevel",
              "error",
              "-y",
              "-f",
              "lavfi",
              "-i",
              "color=c=red:s=320x240:r=2:d=1",
              "-f",
              "lavfi",
              "-i",
              "color=c=blue:s=320x240:r=2:d=1",
              "-filter_complex",
              "[0][1]concat=n=2:v=1:a=0",
              "-pix_fmt",
              "rgb8",
              "-loop",
              "0",
              path("anim.gif")});
        REQUIRE(intField(path("anim.gif"), "n-pages") >= 2);

        AppFixture fx(fastAuth());
        HttpClient http(fx.port());
        auto alice = mediaAdmin(http);
        for (const char* file : {"f.png", "f16.png", "fcmyk.jpg", "fprog.jpg", "f.webp", "f.heic"}) {
            std::string shown = file;
            CAPTURE(shown);
            auto id = uploadOk(http, alice, path(file));
            checkPictures(http, alice, id, file, 1440, 1080, 333, 250);
            CHECK(isRed(pixel(path(shown + ".preview.jpg"), 60, 60)));
            CHECK(isGrey(pixel(path(shown + ".preview.jpg"), 720, 700)));
        }
        auto gif = uploadOk(http, alice, path("anim.gif"));
        checkPictures(http, alice, gif, "anim", 320, 240, 320, 240);
        CHECK(isRed(pixel(path("anim.preview.jpg"), 160, 120)));  // the first frame, not the blue one
    }

    TEST_CASE("an MP4 gets a poster thumbnail and preview and a browser-playable H.264/AAC video of at most 720p") {
        tool({"ffmpeg",
              "-nostdin",
              "-loglevel",
              "error",
              "-y",
              "-f",
              "lavfi",
              "-i",
              "testsrc2=size=1920x1080:rate=25:duration=3",
              "-f",
              "lavfi",
              "-i",
              "sine=frequency=440:duration=3",
              "-shortest",
              "-c:v",
              "libx264",
              "-preset",
              "ultrafast",
              "-pix_fmt",
              "yuv420p",
              "-c:a",
              "aac",
              path("clip.mp4")});
        AppFixture fx(fastAuth());
        HttpClient http(fx.port());
        auto alice = mediaAdmin(http);
        auto id = uploadOk(http, alice, path("clip.mp4"));
        checkPictures(http, alice, id, "clip", 1440, 810, 444, 250);
        REQUIRE(settle(http, alice, id, "video") == "ready");
        fetchTo(http, alice, "/api/assets/" + id + "/video", path("clip.out.mp4"));
        const std::string streams =
            tool({"ffprobe", "-v", "error", "-show_entries", "stream=codec_name,width,height,pix_fmt", "-of", "csv=p=0",
                  path("clip.out.mp4")});
        CHECK(streams.find("h264,1280,720,yuv420p") != std::string::npos);
        CHECK(streams.find("aac") != std::string::npos);
        // Range works on the video, so browsers can seek.
        auto headers = alice.auth();
        headers.emplace_back("Range", "bytes=0-99");
        auto part = http.get("/api/assets/" + id + "/video", headers);
        CHECK(part.status == 206);
        CHECK(part.body.size() == 100);
        CHECK(part.header("Content-Type") == "video/mp4");
        // ?wait on a ready derivative answers at once; another user's asset is 404 whatever it waits for.
        auto bob = mediaUser(http, alice, "bob");
        auto other = http.get("/api/assets/" + id + "/thumbnail?wait=5", bob.auth());
        CHECK(other.status == 404);
        CHECK(errorCode(other) == "not_found");
    }

    TEST_CASE("?wait=N waits for a thumbnail that is still being made, and the answer is cacheable forever") {
        AppFixture fx(fastAuth());
        HttpClient http(fx.port());
        auto alice = mediaAdmin(http);
        tool({"vips", "jpegsave", card(), path("wait.jpg")});
        auto id = uploadOk(http, alice, path("wait.jpg"));
        auto r = http.get("/api/assets/" + id + "/thumbnail?wait=30", alice.auth());
        REQUIRE_MESSAGE(r.status == 200, r.body);
        CHECK(r.header("Content-Type") == "image/webp");
        CHECK(r.header("Cache-Control").value_or("").find("immutable") != std::string::npos);
        CHECK(!r.header("ETag").value_or("").empty());
        auto bad = http.get("/api/assets/" + id + "/thumbnail?wait=31", alice.auth());
        CHECK(bad.status == 400);
    }
    TEST_CASE("on a remote blob store the derivative job reads the uploaded original from its local copy") {
        // Local: the job reads the library's file in place, nothing to prove. S3: without RecentBlobCopies the job
        // fetches back from the store the original the server held a moment earlier.
        AppFixture fx(fastAuth());
        HttpClient http(fx.port());
        auto alice = mediaAdmin(http);
        tool({"vips", "jpegsave", card(), path("recent.jpg")});
        auto id = uploadOk(http, alice, path("recent.jpg"));
        REQUIRE(settle(http, alice, id, "thumbnail") == "ready");
        REQUIRE(settle(http, alice, id, "preview") == "ready");
        const std::string metrics = http.get("/metrics").body;
        if (blobsUnderTest() != "s3") return;
        CHECK(metrics.find("obscura_blob_operations_total{op=\"put\",outcome=\"ok\"}") != std::string::npos);
        CHECK_MESSAGE(metrics.find("obscura_blob_operations_total{op=\"open\"") == std::string::npos,
                      "the original was fetched back from the store:\n"
                          << metrics);
    }
}

// Camera RAW and TIFF through HTTP (DESIGN.md section 12), on a DNG written by tifffile with a JPEG preview made by
// vips and EXIF by exiftool, the same DNG without a preview, a truncated one and a TIFF from vips: accepted by content,
// EXIF read, previews from the embedded JPEG or libraw's half-size decode (read back by vipsheader), a full-size
// JPEG by conversion, the original downloadable unchanged, and a file libraw cannot read failing its own job only.
#include <doctest/doctest.h>

#include <thread>

#include "app_fixture.hpp"
#include "library_fixtures.hpp"
#include "media_api.hpp"
#include "media_fixtures.hpp"

using namespace obscura;
using namespace obscura::test;
using namespace obscura::media::test;
using obscura::images::test::LibraryFixtures;

namespace {

const TempDir& dir() {
    static TempDir d;
    return d;
}

std::string fixture(const std::string& name) { return LibraryFixtures::get().path(name); }

std::string uploadAs(HttpClient& http, const MediaUser& user, const std::string& name, const std::string& fileName) {
    auto r = uploadPath(http, user, fixture(name), fileName);
    REQUIRE_MESSAGE(r.status == 201, name << ": " << r.status << " " << r.body);
    return bodyOf(r)["id"].get<std::string>();
}

}  // namespace

TEST_SUITE("media.library_formats") {
    TEST_CASE("RAW and TIFF are accepted by content, keep their EXIF, get previews and stay downloadable unchanged") {
        AppFixture fx(fastAuth());
        HttpClient http(fx.port());
        auto alice = mediaAdmin(http);

        // The names lie: the content decides.
        const std::string dng = uploadAs(http, alice, "preview.dng", "IMG_0001.JPG");
        const std::string bare = uploadAs(http, alice, "plain.dng", "scan.png");
        const std::string tiff = uploadAs(http, alice, "plain.tif", "photo.tif");

        auto a = assetOf(http, alice, dng);
        CHECK(a["type"] == "image");
        CHECK(a["mimeType"] == "image/x-adobe-dng");
        CHECK(a["width"] == 256);
        CHECK(a["height"] == 192);
        CHECK(a["takenAt"] == "2021-07-04T10:20:30+02:00");
        CHECK(a["exifInfo"]["make"] == "Canon");
        CHECK(a["exifInfo"]["model"] == "EOS R5");
        CHECK(a["exifInfo"]["lens"] == "RF24-70mm F2.8 L IS USM");
        CHECK(a["exifInfo"]["iso"] == 400);
        CHECK(a["exifInfo"]["exposureTime"] == "1/250");
        CHECK(a["exifInfo"]["latitude"].get<double>() == doctest::Approx(-52.52));
        CHECK(assetOf(http, alice, tiff)["mimeType"] == "image/tiff");

        for (const auto& id : {dng, bare, tiff}) {
            CAPTURE(id);
            REQUIRE(settle(http, alice, id, "thumbnail") == "ready");
            REQUIRE(settle(http, alice, id, "preview") == "ready");
        }
        // The embedded 1600×1200 JPEG is larger than the preview box: the preview is made from it.
        fetchTo(http, alice, assetOf(http, alice, dng)["previewUrl"].get<std::string>(), dir() / "dng.preview.jpg");
        CHECK(intField(dir() / "dng.preview.jpg", "width") == 1440);
        CHECK(intField(dir() / "dng.preview.jpg", "height") == 1080);
        // No preview inside: libraw's half-size decode of the 256×192 sensor.
        fetchTo(http, alice, assetOf(http, alice, bare)["previewUrl"].get<std::string>(), dir() / "bare.preview.jpg");
        CHECK(intField(dir() / "bare.preview.jpg", "width") == 128);
        CHECK(intField(dir() / "bare.preview.jpg", "height") == 96);
        fetchTo(http, alice, assetOf(http, alice, tiff)["thumbnailUrl"].get<std::string>(), dir() / "tiff.thumb.webp");
        CHECK(header(dir() / "tiff.thumb.webp")["vips-loader"] == "webpload");

        // The original, byte for byte.
        auto original = http.get("/api/assets/" + dng + "/original", alice.auth());
        REQUIRE(original.status == 200);
        CHECK(original.body == LibraryFixtures::get().bytes("preview.dng"));

        // The viewer's full-size JPEG: a conversion, from libraw's full decode.
        auto job = postJson(http, "/api/assets/" + bare + "/conversions", {{"format", "jpeg"}}, alice.auth());
        REQUIRE_MESSAGE(job.status == 202, job.body);
        HttpResponse full;
        for (int i = 0; i < 600; ++i) {
            full = http.get("/api/assets/" + bare + "/conversions/jpeg", alice.auth());
            if (full.status != 404) break;
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
        REQUIRE_MESSAGE(full.status == 200, full.body);
        fetchTo(http, alice, "/api/assets/" + bare + "/conversions/jpeg", dir() / "bare.full.jpg");
        CHECK(intField(dir() / "bare.full.jpg", "width") == 256);
        CHECK(intField(dir() / "bare.full.jpg", "height") == 192);

        auto types = bodyOf(http.get("/api/server/media-types"));
        CHECK(types["image"].dump().find(".dng") != std::string::npos);
        CHECK(types["image"].dump().find(".tif") != std::string::npos);
    }

    TEST_CASE("a RAW libraw cannot decode fails its own job with libraw's reason; the server goes on") {
        AppFixture fx(fastAuth());
        HttpClient http(fx.port());
        auto alice = mediaAdmin(http);
        const std::string cut = uploadAs(http, alice, "truncated.dng", "cut.dng");
        CHECK(settle(http, alice, cut, "thumbnail") == "failed");
        CHECK(settle(http, alice, cut, "preview") == "failed");
        CHECK(http.get("/api/server/ping").status == 200);
        const std::string good = uploadAs(http, alice, "plain.tif", "after.tif");
        CHECK(settle(http, alice, good, "thumbnail") == "ready");

        nlohmann::json failed;
        for (int i = 0; i < 300; ++i) {
            failed = bodyOf(http.get("/api/admin/jobs?state=failed", alice.auth()));
            if (!failed["items"].empty()) break;
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        REQUIRE(failed["items"].size() == 1);
        const std::string why = failed["items"][0]["error"].get<std::string>();
        MESSAGE("failed job: " << why);
        CHECK(why.find("camera RAW") != std::string::npos);
        CHECK(why.find(fx.dataDir()) == std::string::npos);  // no server paths
        CHECK(failed["items"][0]["attempts"] == 1);          // bad input: no retries
    }
}

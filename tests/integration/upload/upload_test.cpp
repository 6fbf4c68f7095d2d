// POST /api/assets with real files made by vips, ffmpeg and exiftool: what is stored, where, and what the
// answer says.
#include <doctest/doctest.h>

#include <atomic>
#include <mutex>

#include "app_fixture.hpp"
#include "obscura/images/events.hpp"
#include "obscura/kernel/bus.hpp"
#include "upload_support.hpp"

using namespace obscura;
using namespace obscura::test;

TEST_SUITE("upload.store") {
    TEST_CASE("a JPEG with EXIF: 201, exifInfo, takenAt with its offset, the file under library/ by id") {
        AppFixture fx(fastAuth());
        HttpClient http(fx.port());
        auto alice = firstUser(http);

        std::mutex mu;
        std::vector<images::AssetCreated> events;
        auto sub = fx.app().bus().subscribe<images::AssetCreated>("test", [&](const images::AssetCreated& e) {
            std::lock_guard lock(mu);
            events.push_back(e);
        });

        const std::string jpeg = Fixtures::get().bytes("exif.jpg");
        auto r = upload(http, alice, "IMG_0001.JPG", jpeg);
        REQUIRE_MESSAGE(r.status == 201, r.body);
        auto a = bodyOf(r);
        CHECK(a["status"] == "created");
        const std::string id = a["id"];
        CHECK(r.header("Location") == "/api/assets/" + id);
        CHECK(a["type"] == "image");
        CHECK(a["mimeType"] == "image/jpeg");
        CHECK(a["originalFileName"] == "IMG_0001.JPG");
        CHECK(a["sizeBytes"] == jpeg.size());
        CHECK(a["checksum"].get<std::string>().size() == 40);
        // Orientation 6 turns the 64×48 picture upright: displayed 48×64.
        CHECK(a["width"] == 48);
        CHECK(a["height"] == 64);
        CHECK(a["takenAt"] == "2021-07-04T10:20:30.25+02:00");
        auto exif = a["exifInfo"];
        CHECK(exif["make"] == "Canon");
        CHECK(exif["model"] == "EOS R5");
        CHECK(exif["lens"] == "RF24-70mm F2.8 L IS USM");
        CHECK(exif["fNumber"].get<double>() == doctest::Approx(2.8));
        CHECK(exif["exposureTime"] == "1/250");
        CHECK(exif["iso"] == 400);
        CHECK(exif["focalLength"].get<double>() == doctest::Approx(50));
        CHECK(exif["latitude"].get<double>() == doctest::Approx(-52.52));
        CHECK(exif["longitude"].get<double>() == doctest::Approx(-13.405));
        CHECK(exif["orientation"] == 6);
        CHECK(exif["dateTimeOriginal"] == "2021-07-04T10:20:30.25+02:00");
        CHECK(a["derivatives"]["thumbnail"] == "pending");

        // Stored by id in the photo's own year and month; the client's name reaches no path.
        const std::string dir = fx.dataDir();
        CHECK(blobsUnder(fx.app(), "library") == std::vector<std::string>{alice.id + "/2021/07/" + id + ".jpg"});
        CHECK(blobBytes(fx.app(), "library/" + alice.id + "/2021/07/" + id + ".jpg") == jpeg);
        CHECK(leftoverTempFiles(dir + "/tmp").empty());

        // The row, the outbox job for media and the event.
        auto got = http.get("/api/assets/" + id, alice.auth());
        REQUIRE(got.status == 200);
        CHECK(bodyOf(got)["checksum"] == a["checksum"]);
        auto jobs = bodyOf(http.get("/api/admin/jobs", alice.auth()));  // queued, or already taken by media
        int derivativeJobs = 0;
        for (const auto& job : jobs["items"])
            if (job["kind"] == "media.derivatives" && job["assetId"] == id) ++derivativeJobs;
        CHECK(derivativeJobs == 1);
        REQUIRE(waitFor([&] {
            std::lock_guard lock(mu);
            return !events.empty();
        }));
        std::lock_guard lock(mu);
        CHECK(events.front().id == id);
        CHECK(events.front().ownerId == alice.id);
        CHECK(events.front().type == "image");
        CHECK(events.front().mimeType == "image/jpeg");
    }

    TEST_CASE("PNG, GIF, WebP and HEIC are images with their dimensions") {
        AppFixture fx(fastAuth());
        HttpClient http(fx.port());
        auto alice = firstUser(http);
        for (auto [file, mime] : std::vector<std::pair<std::string, std::string>>{{"plain.png", "image/png"},
                                                                                  {"plain.gif", "image/gif"},
                                                                                  {"vp8.webp", "image/webp"},
                                                                                  {"plain.heic", "image/heic"}}) {
            CAPTURE(file);
            auto r = upload(http, alice, file, Fixtures::get().bytes(file));
            REQUIRE_MESSAGE(r.status == 201, r.body);
            auto a = bodyOf(r);
            CHECK(a["type"] == "image");
            CHECK(a["mimeType"] == mime);
            CHECK(a["width"] == 64);
            CHECK(a["height"] == 48);
        }
    }

    TEST_CASE("an MP4 is a video with duration and dimensions from ffprobe") {
        AppFixture fx(fastAuth());
        HttpClient http(fx.port());
        auto alice = firstUser(http);
        auto r = upload(http, alice, "clip.mp4", Fixtures::get().bytes("video.mp4"));
        REQUIRE_MESSAGE(r.status == 201, r.body);
        auto a = bodyOf(r);
        CHECK(a["type"] == "video");
        CHECK(a["mimeType"] == "video/mp4");
        CHECK(a["durationSeconds"].get<double>() == doctest::Approx(1.0).epsilon(0.1));
        CHECK(a["width"] == 64);
        CHECK(a["height"] == 48);
        const std::string id = a["id"];
        auto files = blobsUnder(fx.app(), "library/" + alice.id);
        REQUIRE(files.size() == 1);
        CHECK(files[0].substr(files[0].size() - 40) == id + ".mp4");
    }

    TEST_CASE("a MOV's creation time and location become takenAt and exifInfo") {
        AppFixture fx(fastAuth());
        HttpClient http(fx.port());
        auto alice = firstUser(http);
        auto r = upload(http, alice, "clip.mov", Fixtures::get().bytes("video.mov"));
        REQUIRE_MESSAGE(r.status == 201, r.body);
        auto a = bodyOf(r);
        CHECK(a["mimeType"] == "video/quicktime");
        CHECK(a["takenAt"] == "2021-07-04T08:20:30Z");
        CHECK(a["exifInfo"]["latitude"].get<double>() == doctest::Approx(52.52));
        CHECK(a["exifInfo"]["longitude"].get<double>() == doctest::Approx(13.405));
        CHECK(blobsUnder(fx.app(), "library/" + alice.id + "/2021/07").size() == 1);
    }

    TEST_CASE("takenAt: the client's field, then EXIF (local time as Z), then fileCreatedAt, then now") {
        AppFixture fx(fastAuth());
        HttpClient http(fx.port());
        auto alice = firstUser(http);
        auto chosen = upload(http, alice, "a.jpg", Fixtures::get().bytes("exif.jpg"),
                             {{"takenAt", "1999-12-31T23:59:59-05:00"}, {"fileCreatedAt", "2001-01-01T00:00:00Z"}});
        REQUIRE_MESSAGE(chosen.status == 201, chosen.body);
        CHECK(bodyOf(chosen)["takenAt"] == "1999-12-31T23:59:59-05:00");

        auto local = upload(http, alice, "b.jpg", Fixtures::get().bytes("exif_nooffset.jpg"),
                            {{"fileCreatedAt", "2001-01-01T00:00:00Z"}});
        REQUIRE_MESSAGE(local.status == 201, local.body);
        CHECK(bodyOf(local)["takenAt"] == "2021-07-04T10:20:30.25Z");
        CHECK(bodyOf(local)["exifInfo"]["dateTimeOriginal"] == "2021-07-04T10:20:30.25");

        auto created = upload(http, alice, "c.png", Fixtures::get().bytes("plain.png"),
                              {{"fileCreatedAt", "2001-02-03T04:05:06.000Z"}});
        REQUIRE_MESSAGE(created.status == 201, created.body);
        CHECK(bodyOf(created)["takenAt"] == "2001-02-03T04:05:06.000Z");
        CHECK(blobsUnder(fx.app(), "library/" + alice.id + "/2001/02").size() == 1);

        auto now = upload(http, alice, "d.gif", Fixtures::get().bytes("plain.gif"));
        REQUIRE_MESSAGE(now.status == 201, now.body);
        auto a = bodyOf(now);
        CHECK(a["takenAt"].get<std::string>().substr(0, 4) == a["createdAt"].get<std::string>().substr(0, 4));
        CHECK(a["takenAt"].get<std::string>().back() == 'Z');
    }

    TEST_CASE("parts in any order: fields after the file, or before it; unknown parts are skipped") {
        AppFixture fx(fastAuth());
        HttpClient http(fx.port());
        auto alice = firstUser(http);
        const std::string fields = formField("title", "Beach") + formField("description", "Two\nlines") +
                                   formField("tags", "sea, sun") + formField("tags", "Sand") +
                                   formField("isFavorite", "true") + formField("deviceAssetId", "IMG_1-100") +
                                   formField("deviceId", "phone-1") + formField("mysteryField", "ignored") +
                                   formFile("sidecarData", "a.xmp", "<x:xmpmeta/>");
        for (bool fileFirst : {true, false}) {
            CAPTURE(fileFirst);
            // Different bytes each round: a second identical file would be a duplicate.
            const std::string bytes = Fixtures::get().bytes(fileFirst ? "plain.png" : "plain.jpg");
            const std::string file = formFile("assetData", fileFirst ? "a.png" : "a.jpg", bytes);
            auto r = postForm(http, alice, (fileFirst ? file + fields : fields + file) + formEnd());
            REQUIRE_MESSAGE(r.status == 201, r.body);
            auto a = bodyOf(r);
            CHECK(a["title"] == "Beach");
            CHECK(a["description"] == "Two\nlines");
            CHECK(a["tags"] == nlohmann::json::array({"sea", "sun", "Sand"}));
            CHECK(a["isFavorite"] == true);
            CHECK(a["sizeBytes"] == bytes.size());
        }
        CHECK(blobsUnder(fx.app(), "library/" + alice.id).size() == 2);
    }

    TEST_CASE("the file part may be called 'file'") {
        AppFixture fx(fastAuth());
        HttpClient http(fx.port());
        auto alice = firstUser(http);
        auto r = postForm(http, alice, formFile("file", "a.png", Fixtures::get().bytes("plain.png")) + formEnd());
        CHECK_MESSAGE(r.status == 201, r.body);
    }

    TEST_CASE("Expect: 100-continue is answered only once the caller is authenticated") {
        AppFixture fx(fastAuth());
        HttpClient http(fx.port());
        auto alice = firstUser(http);
        const std::string body = formFile("assetData", "a.png", Fixtures::get().bytes("plain.png")) + formEnd();

        HttpClient anonymous(fx.port());
        auto refused = anonymous.request("POST", "/api/assets",
                                         {{"Content-Type", formContentType()}, {"Expect", "100-continue"}}, body);
        CHECK(refused.status == 401);
        CHECK(refused.interim.empty());

        auto accepted = postForm(http, alice, body, {{"Expect", "100-continue"}});
        CHECK_MESSAGE(accepted.status == 201, accepted.body);
        CHECK(accepted.interim == std::vector<int>{100});
        CHECK(leftoverTempFiles(fx.dataDir() + "/tmp").empty());
    }
}

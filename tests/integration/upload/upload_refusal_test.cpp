// Uploads that must be refused, and what they leave behind: nothing — no row, no library file, no temp file.
#include <doctest/doctest.h>

#include <thread>

#include "app_fixture.hpp"
#include "upload_support.hpp"

using namespace obscura;
using namespace obscura::test;

namespace {

// Nothing of any upload is left: no file in tmp/ or library/, no asset row.
void checkNothingKept(AppFixture& fx, HttpClient& http, const User& user) {
    CHECK(leftoverTempFiles(fx.dataDir() + "/tmp").empty());
    CHECK(filesUnder(fx.dataDir() + "/library").empty());
    auto stats = bodyOf(http.get("/api/assets/statistics", user.auth()));
    CHECK(stats["total"] == 0);
}

}  // namespace

TEST_SUITE("upload.refusals") {
    TEST_CASE("malformed multipart is 400 and nothing is kept") {
        AppFixture fx(fastAuth());
        HttpClient http(fx.port());
        auto alice = firstUser(http);
        const std::string png = Fixtures::get().bytes("plain.png");
        const std::string good = formFile("assetData", "a.png", png) + formEnd();

        SUBCASE("no boundary in Content-Type") {
            auto r = http.request(
                "POST", "/api/assets",
                {{"Authorization", "Bearer " + alice.access}, {"Content-Type", "multipart/form-data"}}, good);
            CHECK(r.status == 400);
        }
        SUBCASE("a boundary RFC 2046 forbids") {
            auto r = http.request("POST", "/api/assets",
                                  {{"Authorization", "Bearer " + alice.access},
                                   {"Content-Type", "multipart/form-data; boundary=\"a\x01b\""}},
                                  good);
            CHECK(r.status == 400);
        }
        SUBCASE("the body uses another boundary than announced") {
            auto r = postForm(http, alice, formFile("assetData", "a.png", png, "other") + formEnd("other"));
            CHECK(r.status == 400);
        }
        SUBCASE("no closing delimiter") {
            auto r = postForm(http, alice, formFile("assetData", "a.png", png));
            CHECK(r.status == 400);
        }
        SUBCASE("cut in the middle of the file part") {
            auto r = postForm(http, alice, good.substr(0, good.size() / 2));
            CHECK(r.status == 400);
        }
        SUBCASE("a part without Content-Disposition") {
            auto r = postForm(
                http, alice,
                std::string("--") + kBoundary + "\r\nContent-Type: image/png\r\n\r\n" + png + "\r\n" + formEnd());
            CHECK(r.status == 400);
        }
        SUBCASE("bytes after the closing delimiter") {
            auto r = postForm(http, alice, good + "trailing garbage");
            CHECK(r.status == 400);
        }
        checkNothingKept(fx, http, alice);
    }

    TEST_CASE("a body that is not multipart/form-data is 415") {
        AppFixture fx(fastAuth());
        HttpClient http(fx.port());
        auto alice = firstUser(http);
        auto r = http.request("POST", "/api/assets",
                              {{"Authorization", "Bearer " + alice.access}, {"Content-Type", "image/png"}},
                              Fixtures::get().bytes("plain.png"));
        CHECK(r.status == 415);
        CHECK(errorCode(r) == "unsupported_media_type");
        checkNothingKept(fx, http, alice);
    }

    TEST_CASE("content that is not an accepted photo or video is 415, whatever its name says") {
        AppFixture fx(fastAuth());
        HttpClient http(fx.port());
        auto alice = firstUser(http);
        const std::vector<std::pair<std::string, std::string>> files = {
            {"notes.jpg", "just some text, not a picture at all\n"},
            // TIFF is accepted since issue 23; a TIFF header whose IFD0 lies beyond the end of the file is not.
            {"scan.jpg", std::string("II*\0\x00\x10\0\0", 8) + std::string(60, 'x')},
            {"logo.png",
             "<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script>"
             "</svg>"},
            {"page.jpg", "<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"},
            {"stream.mp4", "#EXTM3U\n#EXT-X-VERSION:3\n#EXTINF:10,\nhttp://example.org/a.ts\n"},
            {"sound.mp4", Fixtures::get().bytes("audio.m4a")},
            {"pic.heic", Fixtures::get().bytes("plain.avif")},
        };
        for (const auto& [name, bytes] : files) {
            CAPTURE(name);
            auto r = upload(http, alice, name, bytes);
            CHECK(r.status == 415);
            CHECK(errorCode(r) == "unsupported_media_type");
        }
        checkNothingKept(fx, http, alice);
    }

    TEST_CASE("a refused type is answered before a large body is read") {
        AppFixture fx(fastAuth());
        HttpClient http(fx.port());
        auto alice = firstUser(http);
        // 64 MiB of text announced; the answer comes after the first bytes.
        const std::string head = std::string("--") + kBoundary +
                                 "\r\nContent-Disposition: form-data; name=\"assetData\"; filename=\"a.jpg\"\r\n\r\n" +
                                 std::string(8192, 'x');
        RawConnection raw(fx.port());
        REQUIRE(raw.send("POST /api/assets HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + alice.access +
                         "\r\nContent-Type: " + formContentType() + "\r\nContent-Length: " + std::to_string(64 << 20) +
                         "\r\n\r\n" + head));
        auto r = raw.readResponse(std::chrono::seconds(10));
        REQUIRE(r);
        CHECK(r->status == 415);
        CHECK(r->header("Connection") == "close");
        checkNothingKept(fx, http, alice);
    }

    TEST_CASE("an empty file part is 400; a bad field is 422; a wrong fileSize is 400") {
        AppFixture fx(fastAuth());
        HttpClient http(fx.port());
        auto alice = firstUser(http);
        auto empty = upload(http, alice, "a.jpg", "");
        CHECK(empty.status == 400);
        CHECK(errorCode(empty) == "bad_request");

        auto badDate = upload(http, alice, "a.png", Fixtures::get().bytes("plain.png"), {{"takenAt", "yesterday"}});
        CHECK(badDate.status == 422);
        CHECK(bodyOf(badDate)["error"]["message"].get<std::string>().find("takenAt") != std::string::npos);
        auto badTag =
            upload(http, alice, "a.png", Fixtures::get().bytes("plain.png"), {{"tags", std::string(101, 't')}});
        CHECK(badTag.status == 422);

        auto size = upload(http, alice, "a.png", Fixtures::get().bytes("plain.png"), {{"fileSize", "1"}});
        CHECK(size.status == 400);
        checkNothingKept(fx, http, alice);
    }

    TEST_CASE("a corrupt file whose first bytes look right is 415 once its headers are read") {
        AppFixture fx(fastAuth());
        HttpClient http(fx.port());
        auto alice = firstUser(http);
        auto video = upload(http, alice, "cut.mp4", Fixtures::get().bytes("truncated.mp4"));
        CHECK(video.status == 415);
        const std::string png = Fixtures::get().bytes("plain.png");
        auto image = upload(http, alice, "cut.png", png.substr(0, 20) + std::string(100, '\0'));
        CHECK(image.status == 415);
        checkNothingKept(fx, http, alice);
    }

    TEST_CASE("a body over images.maxUploadBytes is 413 before it is read") {
        AppFixture fx(fastAuth({{"images.maxUploadBytes", "1000"}}));
        HttpClient http(fx.port());
        auto alice = firstUser(http);
        auto r = upload(http, alice, "a.jpg", Fixtures::get().bytes("plain.jpg") + std::string(2000, '\0'));
        CHECK(r.status == 413);
        checkNothingKept(fx, http, alice);
    }

    TEST_CASE("unauthenticated uploads are 401 before the body") {
        AppFixture fx(fastAuth());
        HttpClient http(fx.port());
        auto alice = firstUser(http);
        HttpClient anonymous(fx.port());
        auto r = anonymous.request("POST", "/api/assets", {{"Content-Type", formContentType()}},
                                   formFile("assetData", "a.png", Fixtures::get().bytes("plain.png")) + formEnd());
        CHECK(r.status == 401);
        checkNothingKept(fx, http, alice);
    }

    TEST_CASE("a client that vanishes mid-upload leaves nothing in tmp/ or library/") {
        AppFixture fx(fastAuth());
        HttpClient http(fx.port());
        auto alice = firstUser(http);
        const std::string body =
            formFile("assetData", "v.mp4", Fixtures::get().bytes("video.mp4") + std::string(1 << 20, '\0')) + formEnd();
        RawConnection raw(fx.port());
        REQUIRE(raw.send("POST /api/assets HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + alice.access +
                         "\r\nContent-Type: " + formContentType() + "\r\nContent-Length: " +
                         std::to_string(body.size()) + "\r\n\r\n" + body.substr(0, body.size() / 2)));
        // The temp file exists while the body streams…
        REQUIRE(waitFor([&] { return leftoverTempFiles(fx.dataDir() + "/tmp").size() == 1; }));
        raw.abort();
        // …and is gone once the connection is.
        CHECK(waitFor([&] { return leftoverTempFiles(fx.dataDir() + "/tmp").empty(); }));
        checkNothingKept(fx, http, alice);
    }
}

// The e-mail notice of a finished conversion, sent by libcurl to a real SMTP server on 127.0.0.1 (Debian's
// python3-aiosmtpd, storing what it receives in a maildir).
#include <doctest/doctest.h>

#include <thread>
#include <vector>

#include "app_fixture.hpp"
#include "media_api.hpp"
#include "media_fixtures.hpp"
#include "notice_support.hpp"

using namespace obscura;
using namespace obscura::test;
using namespace obscura::media::test;

TEST_SUITE("media.mail") {
    TEST_CASE("a user who is shared a library is e-mailed by name; the sharer is not") {
        TempDir dir;
        SmtpSink smtp(dir / "maildir");
        const int port = smtp.port();
        AppFixture fx(fastAuth({{"media.smtp.host", "127.0.0.1"},
                                {"media.smtp.port", std::to_string(port)},
                                {"media.smtp.tls", "none"},
                                {"media.smtp.from", "Obscura <photos@example.org>"},
                                {"server.publicUrl", "https://photos.example.org/"}}));
        HttpClient http(fx.port());
        auto alice = mediaAdmin(http);
        auto bob = mediaUser(http, alice, "bob");
        REQUIRE(sendJson(http, "PATCH", "/api/users/me", {{"email", "alice@example.org"}, {"displayName", "Alice"}},
                         alice.auth())
                    .status == 200);
        REQUIRE(
            sendJson(http, "PATCH", "/api/users/me", {{"email", "bob@example.org"}, {"displayName", "Bob"}}, bob.auth())
                .status == 200);
        REQUIRE(http.request("POST", "/api/partners/" + bob.id, alice.auth()).status == 201);

        const std::string mail = smtp.waitFor("Sign in", std::chrono::seconds(10));
        INFO(mail);
        CHECK(mail.find("To: <bob@example.org>") != std::string::npos);
        CHECK(mail.find("Subject: Alice shared their photos with you") != std::string::npos);
        CHECK(mail.find("Hello Bob") != std::string::npos);
        CHECK(mail.find("https://photos.example.org/") != std::string::npos);
        CHECK(mail.find("https://photos.example.org//") == std::string::npos);
        CHECK(mail.find("alice@example.org") == std::string::npos);  // one notice, to the receiver only
    }

    TEST_CASE("a finished conversion e-mails its owner the download link through the configured SMTP server") {
        TempDir dir;
        SmtpSink smtp(dir / "maildir");
        const int port = smtp.port();

        tool({"ffmpeg",
              "-nostdin",
              "-loglevel",
              "error",
              "-y",
              "-f",
              "lavfi",
              "-i",
              "testsrc2=size=320x240:rate=25:duration=2",
              "-f",
              "lavfi",
              "-i",
              "sine=frequency=440:duration=2",
              "-shortest",
              "-c:v",
              "libx264",
              "-preset",
              "ultrafast",
              "-pix_fmt",
              "yuv420p",
              "-c:a",
              "aac",
              dir / "clip.mp4"});
        AppFixture fx(fastAuth({{"media.smtp.host", "127.0.0.1"},
                                {"media.smtp.port", std::to_string(port)},
                                {"media.smtp.tls", "none"},
                                {"media.smtp.from", "Obscura <photos@example.org>"},
                                {"server.publicUrl", "https://photos.example.org"}}));
        HttpClient http(fx.port());
        auto alice = mediaAdmin(http);
        REQUIRE(sendJson(http, "PATCH", "/api/users/me", {{"email", "alice@example.org"}, {"displayName", "Alice"}},
                         alice.auth())
                    .status == 200);
        CHECK(bodyOf(http.get("/api/server/features"))["email"] == true);
        auto id = uploadOk(http, alice, dir / "clip.mp4");
        auto r = postJson(http, "/api/assets/" + id + "/conversions", {{"format", "mp3"}}, alice.auth());
        REQUIRE(r.status == 202);

        const std::string link = "https://photos.example.org/api/assets/" + id + "/conversions/mp3";
        const std::string mail = smtp.waitFor(link, std::chrono::seconds(60));
        INFO(mail);
        CHECK(mail.find(link) != std::string::npos);
        CHECK(mail.find("To: <alice@example.org>") != std::string::npos);
        CHECK(mail.find("From: Obscura <photos@example.org>") != std::string::npos);
        CHECK(mail.find("Subject: Your mp3 is ready") != std::string::npos);
        CHECK(mail.find("Hello Alice") != std::string::npos);
    }
}

TEST_SUITE("media.mail") {
    TEST_CASE("an SMTP server that cannot be reached costs the notice, never the conversion") {
        TempDir dir;
        const int closedPort = freePort();  // nothing listens there
        tool({"ffmpeg",
              "-nostdin",
              "-loglevel",
              "error",
              "-y",
              "-f",
              "lavfi",
              "-i",
              "testsrc2=size=320x240:rate=25:duration=2",
              "-f",
              "lavfi",
              "-i",
              "sine=frequency=440:duration=2",
              "-shortest",
              "-c:v",
              "libx264",
              "-preset",
              "ultrafast",
              "-pix_fmt",
              "yuv420p",
              "-c:a",
              "aac",
              dir / "clip.mp4"});
        AppFixture fx(fastAuth({{"media.smtp.host", "127.0.0.1"},
                                {"media.smtp.port", std::to_string(closedPort)},
                                {"media.smtp.tls", "none"}}));
        HttpClient http(fx.port());
        auto alice = mediaAdmin(http);
        REQUIRE(sendJson(http, "PATCH", "/api/users/me", {{"email", "alice@example.org"}}, alice.auth()).status == 200);
        auto id = uploadOk(http, alice, dir / "clip.mp4");
        auto r = postJson(http, "/api/assets/" + id + "/conversions", {{"format", "mp3"}}, alice.auth());
        REQUIRE(r.status == 202);
        const std::string jobId = bodyOf(r)["jobId"];
        nlohmann::json job;
        for (int i = 0; i < 600; ++i) {
            job = bodyOf(http.get("/api/jobs/" + jobId, alice.auth()));
            if (job["state"] == "succeeded" || job["state"] == "failed") break;
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
        CHECK(job["state"] == "succeeded");
        CHECK(job["attempts"] == 1);
        CHECK(http.get("/api/assets/" + id + "/conversions/mp3", alice.auth()).status == 200);
    }
}

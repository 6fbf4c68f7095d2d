// On-demand conversions: POST /api/assets/{id}/conversions, GET /api/jobs/{id}, the result download; and the
// removal of derivatives with their asset and their user.
#include <doctest/doctest.h>

#include <filesystem>
#include <thread>

#include "app_fixture.hpp"
#include "media_api.hpp"
#include "media_fixtures.hpp"
#include "obscura/blobs/blob_store.hpp"

using namespace obscura;
using namespace obscura::test;
using namespace obscura::media::test;

namespace {

std::string makeClip(const TempDir& dir, bool audio) {
    const std::string out = dir / (audio ? "talk.mp4" : "silent.mp4");
    std::vector<std::string> argv = {"ffmpeg", "-nostdin", "-loglevel",
                                     "error",  "-y",       "-f",
                                     "lavfi",  "-i",       "testsrc2=size=640x360:rate=25:duration=4"};
    if (audio) {
        for (const char* a : {"-f", "lavfi", "-i", "sine=frequency=440:duration=4", "-c:a", "aac"}) argv.push_back(a);
    }
    for (const char* a : {"-shortest", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"})
        argv.push_back(a);
    argv.push_back(out);
    tool(argv);
    return out;
}

nlohmann::json waitJob(HttpClient& http, const MediaUser& user, const std::string& jobId) {
    nlohmann::json job;
    for (int i = 0; i < 1200; ++i) {
        auto r = http.get("/api/jobs/" + jobId, user.auth());
        REQUIRE_MESSAGE(r.status == 200, r.body);
        job = bodyOf(r);
        if (job["state"] == "succeeded" || job["state"] == "failed") break;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return job;
}

}  // namespace

TEST_SUITE("media.conversions") {
    TEST_CASE(
        "a video's MP3: 202 with a job, the same job when asked again, valid audio of the right duration, counted in "
        "bandwidth when downloaded") {
        TempDir dir;
        const std::string clip = makeClip(dir, true);
        AppFixture fx(fastAuth());
        HttpClient http(fx.port());
        auto alice = mediaAdmin(http);
        auto id = uploadOk(http, alice, clip);

        auto early = http.get("/api/assets/" + id + "/conversions/mp3", alice.auth());
        CHECK(early.status == 404);
        CHECK(errorCode(early) == "not_ready");

        auto first = postJson(http, "/api/assets/" + id + "/conversions", {{"format", "mp3"}}, alice.auth());
        REQUIRE_MESSAGE(first.status == 202, first.body);
        const std::string jobId = bodyOf(first)["jobId"];
        auto again = postJson(http, "/api/assets/" + id + "/conversions", {{"format", "mp3"}}, alice.auth());
        CHECK(again.status == 200);
        CHECK(bodyOf(again)["jobId"] == jobId);

        auto job = waitJob(http, alice, jobId);
        CHECK(job["state"] == "succeeded");
        CHECK(job["progress"] == 1.0);
        CHECK(job["kind"] == "media.conversion");
        CHECK(job["assetId"] == id);
        CHECK(job["attempts"] == 1);
        for (const char* key : {"createdAt", "updatedAt"}) CHECK(job[key].is_string());

        // Downloads count in the owner's bandwidth of the month (HEAD does not), like images' own downloads.
        const auto bandwidth = [&] {
            return bodyOf(http.get("/api/users/me/usage", alice.auth()))["bandwidthBytesThisMonth"].get<long long>();
        };
        const long long before = bandwidth();
        CHECK(http.request("HEAD", "/api/assets/" + id + "/conversions/mp3", alice.auth()).status == 200);
        fetchTo(http, alice, "/api/assets/" + id + "/conversions/mp3", dir / "out.mp3");
        auto r = http.get("/api/assets/" + id + "/conversions/mp3", alice.auth());
        REQUIRE(r.body.size() > 1000);
        const long long expected = before + 2 * static_cast<long long>(r.body.size());
        long long counted = before;
        for (int i = 0; i < 100 && counted != expected; ++i) {  // the meter writes about once a second
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
            counted = bandwidth();
        }
        CHECK(counted == expected);
        // Served like the original: a range, a validator, revalidation.
        const auto with = [&](const std::string& name, const std::string& value) {
            auto headers = alice.auth();
            headers.emplace_back(name, value);
            return headers;
        };
        auto part = http.get("/api/assets/" + id + "/conversions/mp3", with("Range", "bytes=0-99"));
        CHECK(part.status == 206);
        CHECK(part.body == r.body.substr(0, 100));
        CHECK(part.header("Content-Range") == "bytes 0-99/" + std::to_string(r.body.size()));
        const auto etag = r.header("ETag");
        REQUIRE(etag.has_value());
        CHECK(http.get("/api/assets/" + id + "/conversions/mp3", with("If-None-Match", *etag)).status == 304);
        CHECK(r.header("X-Content-Type-Options") == "nosniff");
        CHECK(r.header("Content-Security-Policy") == "sandbox");
        CHECK(r.header("Content-Type") == "audio/mpeg");
        CHECK(r.header("Content-Disposition").value_or("").find("attachment") != std::string::npos);
        const std::string probe =
            tool({"ffprobe", "-v", "error", "-show_entries", "format=format_name,duration:stream=codec_name", "-of",
                  "default=nw=1", dir / "out.mp3"});
        CHECK(probe.find("codec_name=mp3") != std::string::npos);
        CHECK(probe.find("format_name=mp3") != std::string::npos);
        const double duration = std::stod(probe.substr(probe.find("duration=") + 9));
        CHECK(duration == doctest::Approx(4.0).epsilon(0.05));
    }

    TEST_CASE(
        "conversions refuse what cannot be done: no format 400, bad format 422, MP3 of a photo 422, no audio fails the "
        "job") {
        TempDir dir;
        tool({"vips", "black", dir / "p.v", "300", "200", "--bands", "3"});
        tool({"vips", "jpegsave", dir / "p.v", dir / "p.jpg"});
        const std::string silent = makeClip(dir, false);
        AppFixture fx(fastAuth());
        HttpClient http(fx.port());
        auto alice = mediaAdmin(http);
        auto photo = uploadOk(http, alice, dir / "p.jpg");
        auto video = uploadOk(http, alice, silent);

        auto bad = postJson(http, "/api/assets/" + photo + "/conversions", {{"format", "flac"}}, alice.auth());
        CHECK(bad.status == 422);
        // A body without its required field cannot be read as a conversion request: 400 (docs/api.md, bodies).
        auto missing = postJson(http, "/api/assets/" + photo + "/conversions", nlohmann::json::object(), alice.auth());
        CHECK(missing.status == 400);
        auto mp3OfPhoto = postJson(http, "/api/assets/" + photo + "/conversions", {{"format", "mp3"}}, alice.auth());
        CHECK(mp3OfPhoto.status == 422);

        // A photo converts to WebP (full size, upright).
        auto webp = postJson(http, "/api/assets/" + photo + "/conversions", {{"format", "webp"}}, alice.auth());
        REQUIRE(webp.status == 202);
        CHECK(waitJob(http, alice, bodyOf(webp)["jobId"])["state"] == "succeeded");
        fetchTo(http, alice, "/api/assets/" + photo + "/conversions/webp", dir / "p.webp");
        CHECK(intField(dir / "p.webp", "width") == 300);

        auto noAudio = postJson(http, "/api/assets/" + video + "/conversions", {{"format", "mp3"}}, alice.auth());
        REQUIRE(noAudio.status == 202);
        auto job = waitJob(http, alice, bodyOf(noAudio)["jobId"]);
        CHECK(job["state"] == "failed");
        CHECK(job["attempts"] == 1);
        CHECK(job["error"].get<std::string>().find("audio") != std::string::npos);
    }

    TEST_CASE("another user's asset and job are 404 on every conversion route") {
        TempDir dir;
        tool({"vips", "black", dir / "p.v", "300", "200", "--bands", "3"});
        tool({"vips", "jpegsave", dir / "p.v", dir / "p.jpg"});
        AppFixture fx(fastAuth());
        HttpClient http(fx.port());
        auto alice = mediaAdmin(http);
        auto bob = mediaUser(http, alice, "bob");
        auto photo = uploadOk(http, alice, dir / "p.jpg");
        auto mine = postJson(http, "/api/assets/" + photo + "/conversions", {{"format", "jpeg"}}, alice.auth());
        REQUIRE(mine.status == 202);
        const std::string jobId = bodyOf(mine)["jobId"];
        waitJob(http, alice, jobId);

        CHECK(postJson(http, "/api/assets/" + photo + "/conversions", {{"format", "jpeg"}}, bob.auth()).status == 404);
        CHECK(http.get("/api/assets/" + photo + "/conversions/jpeg", bob.auth()).status == 404);
        CHECK(http.get("/api/jobs/" + jobId, bob.auth()).status == 404);
        CHECK(http.get("/api/jobs/not-a-uuid", alice.auth()).status == 404);
        CHECK(http.get("/api/jobs/" + jobId).status == 401);
    }

    TEST_CASE("deleting an asset removes its derivatives and conversions; deleting the user removes the rest") {
        TempDir dir;
        tool({"vips", "black", dir / "p.v", "300", "200", "--bands", "3"});
        tool({"vips", "jpegsave", dir / "p.v", dir / "p.jpg"});
        tool({"vips", "jpegsave", dir / "p.v", dir / "q.jpg", "--Q", "50"});
        AppFixture fx(fastAuth({{"auth.registration", "open"}}));
        HttpClient http(fx.port());
        auto alice = mediaAdmin(http);
        registerUser(http, "bob");
        auto bobSession = login(http, "bob");
        MediaUser bob{bobSession.user["id"], bobSession.access};
        auto a = uploadOk(http, alice, dir / "p.jpg");
        auto b = uploadOk(http, bob, dir / "q.jpg");
        REQUIRE(settle(http, alice, a, "thumbnail") == "ready");
        REQUIRE(settle(http, bob, b, "thumbnail") == "ready");
        auto conv = postJson(http, "/api/assets/" + a + "/conversions", {{"format", "webp"}}, alice.auth());
        waitJob(http, alice, bodyOf(conv)["jobId"]);
        // Through the app's blob store, so the S3 twin proves it too.
        auto& blobs = fx.app().blobs();
        auto empty = [&](const std::string& prefix) {
            auto page = blobs.list(prefix, "", 1);
            return page.ok() && page->entries.empty();
        };
        const std::string aliceDerived = "derived/" + alice.id + "/" + a + "/";
        REQUIRE(blobs.stat(aliceDerived + "conversion.webp").ok());

        CHECK(http.request("DELETE", "/api/assets/" + a + "?permanent=true", alice.auth()).status == 204);
        bool gone = false;
        for (int i = 0; i < 200 && !gone; ++i, std::this_thread::sleep_for(std::chrono::milliseconds(50)))
            gone = empty(aliceDerived);
        CHECK(gone);

        const std::string bobDerived = "derived/" + bob.id + "/";
        REQUIRE(blobs.stat(bobDerived + b + "/thumbnail.webp").ok());
        auto del = sendJson(http, "DELETE", "/api/users/me", {{"password", kPassword}}, bob.auth());
        CHECK(del.status == 204);
        gone = false;
        for (int i = 0; i < 200 && !gone; ++i, std::this_thread::sleep_for(std::chrono::milliseconds(50)))
            gone = empty(bobDerived);
        CHECK(gone);
    }
}

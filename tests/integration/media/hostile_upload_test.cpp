// Files that pass the upload sniff but cannot be decoded fail only their own job, quickly and with a clear
// reason, while the server keeps serving; its memory stays within a stated bound.
#include <doctest/doctest.h>
#include <sys/resource.h>

#include <chrono>
#include <thread>

#include "app_fixture.hpp"
#include "media_api.hpp"
#include "media_fixtures.hpp"

using namespace obscura;
using namespace obscura::test;
using namespace obscura::media::test;

namespace {

long peakRssMiB() {
    rusage usage{};
    ::getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss / 1024;
}

}  // namespace

TEST_SUITE("media.hostile") {
    TEST_CASE("a cut JPEG, a 65500x65500 header, a pixel flood and a cut MP4 each fail their own job only") {
        TempDir dir;
        // A JPEG cut in half (noise, so the cut lands mid-scan).
        tool({"vips", "gaussnoise", dir / "noise.v", "2400", "1800"});
        tool({"vips", "jpegsave", dir / "noise.v", dir / "whole.jpg"});
        std::string whole = readAll(dir / "whole.jpg");
        writeFile(dir / "half.jpg", whole.substr(0, whole.size() / 2));
        // A JPEG whose header claims 65500x65500.
        tool({"vips", "black", dir / "small.v", "64", "64", "--bands", "3"});
        tool({"vips", "jpegsave", dir / "small.v", dir / "small.jpg"});
        std::string jpeg = readAll(dir / "small.jpg");
        auto sof = jpeg.find("\xFF\xC0", 0, 2);
        REQUIRE(sof != std::string::npos);
        for (std::size_t at : {sof + 5, sof + 7}) {
            jpeg[at] = static_cast<char>(0xFF);
            jpeg[at + 1] = static_cast<char>(0xDC);
        }
        writeFile(dir / "huge.jpg", jpeg);
        // A 30000x30000 PNG of under 1 MB.
        tool({"vips", "black", dir / "flood.png", "30000", "30000"}, 300);
        REQUIRE(readAll(dir / "flood.png").size() < 1'000'000);
        // An MP4 cut to its first third, its index at the front (cut from an MP4 with the index at the end, the
        // upload's own probe already refuses it with 415, which the upload tests cover).
        tool({"ffmpeg", "-nostdin", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
              "testsrc2=size=640x360:rate=25:duration=6", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt",
              "yuv420p", "-movflags", "+faststart", dir / "long.mp4"});
        std::string mp4 = readAll(dir / "long.mp4");
        writeFile(dir / "third.mp4", mp4.substr(0, mp4.size() / 3));
        tool({"vips", "jpegsave", dir / "noise.v", dir / "fine.jpg", "--Q", "70"});

        AppFixture fx(fastAuth());
        HttpClient http(fx.port());
        auto alice = mediaAdmin(http);
        const long rssBefore = peakRssMiB();
        const auto start = std::chrono::steady_clock::now();
        std::vector<std::string> bad;
        for (const char* f : {"half.jpg", "huge.jpg", "flood.png", "third.mp4"})
            bad.push_back(uploadOk(http, alice, dir / f));
        const std::string good = uploadOk(http, alice, dir / "fine.jpg");

        for (std::size_t i = 0; i < bad.size(); ++i) {
            const std::string& id = bad[i];
            CAPTURE(id);
            if (i == 3) continue;  // the cut MP4's first second is intact: its poster may legitimately be made
            CHECK(settle(http, alice, id, "thumbnail") == "failed");
            CHECK(bodyOf(http.get("/api/assets/" + id, alice.auth()))["derivatives"]["preview"] == "failed");
            CHECK(settle(http, alice, id, "preview") == "failed");
            auto thumb = http.get("/api/assets/" + id + "/thumbnail", alice.auth());
            CHECK(thumb.status == 404);
            CHECK(errorCode(thumb) == "not_ready");
            CHECK(bodyOf(thumb)["error"]["message"].get<std::string>().find("could not be made") != std::string::npos);
        }
        CHECK(settle(http, alice, bad[3], "video") == "failed");
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        // The good upload after them is unaffected, and the server answered throughout.
        CHECK(settle(http, alice, good, "thumbnail") == "ready");
        CHECK(http.get("/api/server/ping").status == 200);

        // Each failed job says why, without a retry storm: bad input fails on its first attempt. The handler records
        // the failed derivative before the queue marks its job failed, so wait for the fourth job to end.
        nlohmann::json jobs;
        const auto failedDerivativeJobs = [&] {
            jobs = bodyOf(http.get("/api/admin/jobs?state=failed", alice.auth()));
            int n = 0;
            for (const auto& job : jobs["items"]) n += job["kind"] == "media.derivatives" ? 1 : 0;
            return n;
        };
        const auto jobsDeadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
        while (failedDerivativeJobs() < 4 && std::chrono::steady_clock::now() < jobsDeadline)
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        int failed = 0;
        for (const auto& job : jobs["items"]) {
            if (job["kind"] != "media.derivatives") continue;
            ++failed;
            CHECK(job["attempts"] == 1);
            CHECK_FALSE(job["error"].get<std::string>().empty());
            MESSAGE("failed job: " << job["error"].get<std::string>());
            CHECK(job["error"].get<std::string>().find(fx.dataDir()) == std::string::npos);  // no server paths
        }
        CHECK(failed == 4);
        const long rssAfter = peakRssMiB();
        MESSAGE("hostile uploads handled in " << seconds << " s; peak RSS " << rssBefore << " -> " << rssAfter
                                              << " MiB");
        // Stated bound: the server's peak RSS grows by less than 300 MiB over these files (ffmpeg runs in its
        // own process; libvips never decodes the floods).
        CHECK(rssAfter - rssBefore < 300);
    }
}

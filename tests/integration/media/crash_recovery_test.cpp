// The server killed (SIGKILL) while derivative jobs are queued and running: after a restart every asset ends
// with its derivatives made once, and no stray file is left in derived/.
#include <doctest/doctest.h>
#include <signal.h>

#include <filesystem>
#include <set>
#include <thread>

#include "media_api.hpp"
#include "media_fixtures.hpp"
#include "test_support.hpp"

using namespace obscura;
using namespace obscura::test;
using namespace obscura::media::test;

namespace fs = std::filesystem;

TEST_SUITE("media.crash") {
    TEST_CASE("SIGKILL with jobs queued and running: after a restart every asset has its derivatives, once") {
        TempDir dir;
        const std::string data = dir / "data";
        // Big enough that jobs are still running when the kill comes; different noise so no upload is a duplicate.
        std::vector<std::string> files;
        for (int i = 0; i < 12; ++i) {
            const std::string v = dir / ("n" + std::to_string(i) + ".v");
            tool({"vips", "gaussnoise", v, "3000", "2000", "--mean", std::to_string(100 + i)});
            files.push_back(dir / ("n" + std::to_string(i) + ".jpg"));
            tool({"vips", "jpegsave", v, files.back(), "--Q", "90"});
        }
        tool({"ffmpeg", "-nostdin", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
              "testsrc2=size=1280x720:rate=25:duration=8", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt",
              "yuv420p", dir / "v.mp4"});
        files.push_back(dir / "v.mp4");

        const std::map<std::string, std::string> env = {{"OBSCURA_AUTH_PASSWORD_HASH_MEMORY_KIB", "19456"},
                                                        {"OBSCURA_AUTH_PASSWORD_HASH_ITERATIONS", "2"},
                                                        {"OBSCURA_MEDIA_WORKERS", "1"}};
        std::vector<std::string> ids;
        MediaUser alice;
        {
            ServerProcess server({"serve", "--port", "0", "--data-dir", data}, env);
            REQUIRE_MESSAGE(server.start(), server.log());
            HttpClient http(server.port());
            alice = mediaAdmin(http);
            for (const auto& f : files) ids.push_back(uploadOk(http, alice, f));
            // Wait until at least one job has started, then kill while the rest are queued or running.
            bool started = false;
            for (int i = 0; i < 200 && !started; ++i) {
                std::this_thread::sleep_for(std::chrono::milliseconds(25));
                started = bodyOf(http.get("/api/admin/jobs?state=running", alice.auth()))["items"].size() > 0 ||
                          bodyOf(http.get("/api/admin/jobs?state=succeeded", alice.auth()))["items"].size() > 0;
            }
            CHECK(started);
            auto queued = bodyOf(http.get("/api/admin/jobs?state=queued", alice.auth()))["items"].size();
            MESSAGE("killed with " << queued << " jobs still queued");
            CHECK(queued > 0);
            server.signal(SIGKILL);
            server.wait(std::chrono::seconds(10));
        }

        ServerProcess again({"serve", "--port", "0", "--data-dir", data}, env);
        REQUIRE_MESSAGE(again.start(), again.log());
        HttpClient http(again.port());
        alice.access = login(http, "alice").access;
        for (const auto& id : ids) {
            CAPTURE(id);
            // A job whose lease was held by the dead process runs again once the lease (30 s) expires.
            CHECK(settle(http, alice, id, "thumbnail", 240) == "ready");
            CHECK(settle(http, alice, id, "preview", 60) == "ready");
        }
        CHECK(settle(http, alice, ids.back(), "video", 240) == "ready");

        // One job per asset, each succeeded exactly once.
        auto jobs = bodyOf(http.get("/api/admin/jobs?limit=100", alice.auth()))["items"];
        std::set<std::string> jobAssets;
        int derivativeJobs = 0;
        for (const auto& job : jobs) {
            if (job["kind"] != "media.derivatives") continue;
            ++derivativeJobs;
            CHECK(job["state"] == "succeeded");
            jobAssets.insert(job["assetId"].get<std::string>());
        }
        CHECK(derivativeJobs == static_cast<int>(ids.size()));
        CHECK(jobAssets.size() == ids.size());

        // derived/<user>/<asset>/ holds exactly the expected files: no temp or dot files left by the kill.
        for (std::size_t i = 0; i < ids.size(); ++i) {
            std::set<std::string> names;
            for (const auto& e : fs::directory_iterator(fs::path(data) / "derived" / alice.id / ids[i]))
                names.insert(e.path().filename().string());
            std::set<std::string> expected = {"preview.jpg", "thumbnail.webp"};
            if (i + 1 == ids.size()) expected.insert("video.mp4");
            CHECK(names == expected);
        }
        std::size_t tmpEntries = 0;
        for (auto it = fs::recursive_directory_iterator(fs::path(data) / "tmp");
             it != fs::recursive_directory_iterator(); ++it)
            ++tmpEntries;
        CHECK(tmpEntries == 0);
        again.signal(SIGTERM);
        CHECK(again.wait(std::chrono::seconds(30)) == 0);
    }
}

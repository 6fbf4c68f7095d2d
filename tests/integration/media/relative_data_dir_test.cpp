// The README's quick start runs `obscura serve` with the default data dir "./data", a relative path. Every
// test elsewhere uses an absolute temp dir, which hid that ffmpeg (given absolute paths only) refused every
// video of such a server. This runs the binary exactly that way: relative data dir, a photo and a video.
#include <doctest/doctest.h>

#include <filesystem>

#include "media_api.hpp"
#include "media_fixtures.hpp"
#include "test_support.hpp"

using namespace obscura;
using namespace obscura::test;
using namespace obscura::media::test;

TEST_SUITE("media.relative_data_dir") {
    TEST_CASE("a server started on the relative default ./data makes a video's poster and MP4 and a photo's previews") {
        TempDir dir;
        tool({"ffmpeg", "-nostdin", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
              "testsrc2=size=640x360:rate=25:duration=2", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt",
              "yuv420p", dir / "clip.mp4"});
        tool({"vips", "black", dir / "photo.jpg", "800", "600"});
        // No --data-dir and no OBSCURA_DATA_DIR: the default, resolved against the working directory.
        const std::map<std::string, std::string> env = {{"OBSCURA_AUTH_PASSWORD_HASH_MEMORY_KIB", "19456"},
                                                        {"OBSCURA_AUTH_PASSWORD_HASH_ITERATIONS", "2"}};
        ServerProcess server({"serve", "--port", "0"}, env, dir.path());
        REQUIRE_MESSAGE(server.start(), server.log());
        HttpClient http(server.port());
        auto alice = mediaAdmin(http);
        const auto video = uploadOk(http, alice, dir / "clip.mp4");
        const auto photo = uploadOk(http, alice, dir / "photo.jpg");
        CHECK(settle(http, alice, video, "thumbnail") == "ready");
        CHECK(settle(http, alice, video, "video") == "ready");
        CHECK(settle(http, alice, photo, "preview") == "ready");
        CHECK(http.get("/api/assets/" + video + "/video", alice.auth()).status == 200);
        CHECK(std::filesystem::exists(dir / "data/library"));
        CHECK(server.log().find("absolute path") == std::string::npos);
    }
}

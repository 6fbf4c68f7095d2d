// libvips lives in a dlopen'd engine module (obscura_media_vips.so, modules/media/engine/). A server whose module is
// missing starts, says so once at start, keeps serving, and answers each image request with the reason: the
// avatar route 503, the photo's derivatives job an error naming the file looked for. No photo takes it down.
#include <doctest/doctest.h>

#include <chrono>
#include <thread>

#include "app_fixture.hpp"
#include "media_api.hpp"
#include "media_fixtures.hpp"

using namespace obscura;
using namespace obscura::test;
using namespace obscura::media::test;

namespace {

// The derivatives job's error once its first attempt has failed ("" if none within the time).
std::string firstJobError(HttpClient& http, const MediaUser& admin, const std::string& assetId) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (std::chrono::steady_clock::now() < deadline) {
        auto jobs = bodyOf(http.get("/api/admin/jobs", admin.auth()));
        for (const auto& job : jobs["items"]) {
            if (job["assetId"] == assetId && job.contains("error")) return job["error"].get<std::string>();
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return "";
}

}  // namespace

TEST_SUITE("media.engine_module") {
    TEST_CASE("without its engine module the server serves on, and each image job or avatar fails with the reason") {
        TempDir dir;
        TempDir noEngine;  // media.engineDir: an empty folder
        tool({"vips", "black", dir / "photo.jpg", "320", "240"});

        AppFixture fx(fastAuth({{"media.engineDir", noEngine.path()}}));
        HttpClient http(fx.port());
        auto alice = mediaAdmin(http);

        auto avatar = http.request("PUT", "/api/users/me/avatar", alice.auth(), readAll(dir / "photo.jpg"));
        CHECK(avatar.status == 503);
        CHECK_MESSAGE(avatar.body.find("obscura_media_vips.so") != std::string::npos, avatar.body);

        const auto photo = uploadOk(http, alice, dir / "photo.jpg");
        const std::string error = firstJobError(http, alice, photo);
        CHECK_MESSAGE(error.find("image engine") != std::string::npos, error);
        CHECK_MESSAGE(error.find(noEngine.path() + "/obscura_media_vips.so (not found)") != std::string::npos, error);
        CHECK(http.get("/api/assets/" + photo, alice.auth()).status == 200);        // still serving
        CHECK(assetOf(http, alice, photo)["derivatives"]["preview"] == "pending");  // retried: an install can heal
    }
}

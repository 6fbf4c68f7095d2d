// GET|PUT /api/users/me/avatar: any accepted picture becomes a 256x256 WebP through the libvips adapter.
#include <doctest/doctest.h>

#include "app_fixture.hpp"
#include "media_api.hpp"
#include "media_fixtures.hpp"

using namespace obscura;
using namespace obscura::test;
using namespace obscura::media::test;

TEST_SUITE("media.avatar") {
    TEST_CASE("a photo becomes a 256x256 WebP avatar, upright; each user has their own; bad bodies are refused") {
        TempDir dir;
        writeMarkedCard(dir / "card.ppm", 800, 600, 250);
        // Stored turned a quarter, with EXIF orientation 6 saying how to show it.
        tool({"vips", "rot", dir / "card.ppm", dir / "turned.v", "d270"});
        tool({"vips", "jpegsave", dir / "turned.v", dir / "me.jpg"});
        tool({"exiftool", "-q", "-overwrite_original", "-n", "-Orientation=6", dir / "me.jpg"});
        tool({"ffmpeg", "-nostdin", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=320x240:duration=1",
              "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", dir / "v.mp4"});

        AppFixture fx(fastAuth());
        HttpClient http(fx.port());
        auto alice = mediaAdmin(http);
        auto bob = mediaUser(http, alice, "bob");
        CHECK(http.get("/api/users/me/avatar", alice.auth()).status == 404);
        CHECK(http.get("/api/users/me/avatar").status == 401);

        auto put = http.request("PUT", "/api/users/me/avatar", alice.auth(), readAll(dir / "me.jpg"));
        REQUIRE_MESSAGE(put.status == 200, put.body);
        CHECK(put.header("Content-Type") == "image/webp");
        fetchTo(http, alice, "/api/users/me/avatar", dir / "avatar.webp");
        CHECK(header(dir / "avatar.webp")["vips-loader"] == "webpload");
        CHECK(intField(dir / "avatar.webp", "width") == 256);
        CHECK(intField(dir / "avatar.webp", "height") == 256);
        // Upright and centre-cropped: 800x600 scales to 341x256 and loses 42 px on each side, so the 250 px markers
        // (106 px scaled) keep 64 px each: red at the top-left, green at the top-right.
        CHECK(isRed(pixel(dir / "avatar.webp", 10, 10)));
        CHECK(isGreen(pixel(dir / "avatar.webp", 245, 10)));
        CHECK(isGrey(pixel(dir / "avatar.webp", 128, 200)));
        for (const auto& group : metadataGroups(dir / "avatar.webp")) CHECK(group.find("EXIF") == std::string::npos);

        // Revalidation by ETag.
        auto etag = http.get("/api/users/me/avatar", alice.auth()).header("ETag").value_or("");
        REQUIRE_FALSE(etag.empty());
        auto headers = alice.auth();
        headers.emplace_back("If-None-Match", etag);
        CHECK(http.get("/api/users/me/avatar", headers).status == 304);

        // The user object points at it, with a version; any signed-in user fetches it by id (the people pickers
        // and shared albums show faces), nobody signed out does; Bob's own object has none.
        const auto me = bodyOf(http.get("/api/users/me", alice.auth()));
        REQUIRE(me["avatarUrl"].is_string());
        const std::string url = me["avatarUrl"];
        CHECK(url.rfind("/api/users/" + alice.id + "/avatar?v=", 0) == 0);
        CHECK(http.get(url, alice.auth()).status == 200);
        CHECK(http.get(url, bob.auth()).status == 200);
        CHECK(http.get(url).status == 401);
        CHECK(bodyOf(http.get("/api/users/me", bob.auth()))["avatarUrl"].is_null());
        CHECK(http.get("/api/users/me/avatar", bob.auth()).status == 404);  // Alice's is not Bob's
        auto video = http.request("PUT", "/api/users/me/avatar", bob.auth(), readAll(dir / "v.mp4"));
        CHECK(video.status == 415);
        auto html = http.request("PUT", "/api/users/me/avatar", bob.auth(), "<html><script>alert(1)</script></html>");
        CHECK(html.status == 415);
        auto empty = http.request("PUT", "/api/users/me/avatar", bob.auth(), "");
        CHECK(empty.status == 400);
        CHECK(http.get("/api/users/me/avatar", bob.auth()).status == 404);  // nothing kept
    }
}

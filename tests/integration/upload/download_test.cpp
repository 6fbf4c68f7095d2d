// GET /api/assets/{id}/original, /thumbnail and /video: ranges, validators, safe headers, ownership, bandwidth.
#include <doctest/doctest.h>

#include <filesystem>
#include <thread>

#include "app_fixture.hpp"
#include "obscura/kernel/job_queue.hpp"
#include "obscura/storage/storage.hpp"
#include "upload_support.hpp"

using namespace obscura;
using namespace obscura::test;

namespace {

struct Uploaded {
    std::string id;
    std::string bytes;
    nlohmann::json asset;
};

Uploaded uploadOne(HttpClient& http, const User& user, const std::string& fixture, const std::string& name) {
    Uploaded u{"", Fixtures::get().bytes(fixture), {}};
    auto r = upload(http, user, name, u.bytes);
    REQUIRE_MESSAGE(r.status == 201, r.body);
    u.asset = bodyOf(r);
    u.id = u.asset["id"];
    return u;
}

std::int64_t bandwidth(HttpClient& http, const User& user) {
    return bodyOf(http.get("/api/users/me/usage", user.auth()))["bandwidthBytesThisMonth"];
}

}  // namespace

TEST_SUITE("download.original") {
    TEST_CASE("the whole file with validators, our type, nosniff, a sandbox CSP and an attachment name") {
        AppFixture fx(fastAuth());
        HttpClient http(fx.port());
        auto alice = firstUser(http);
        auto jpeg = uploadOne(http, alice, "exif.jpg", "IMG_0001.JPG");
        auto r = http.get("/api/assets/" + jpeg.id + "/original", alice.auth());
        REQUIRE(r.status == 200);
        CHECK(r.body == jpeg.bytes);
        CHECK(r.header("Content-Type") == "image/jpeg");
        CHECK(r.header("Content-Length") == std::to_string(jpeg.bytes.size()));
        CHECK(r.header("ETag") == "\"" + jpeg.asset["checksum"].get<std::string>() + "\"");
        CHECK(r.hasHeader("Last-Modified"));
        CHECK(r.header("Accept-Ranges") == "bytes");
        CHECK(r.header("X-Content-Type-Options") == "nosniff");
        CHECK(r.header("Content-Security-Policy") == "sandbox");
        CHECK(r.header("Content-Disposition") ==
              "attachment; filename=\"IMG_0001.JPG\"; filename*=UTF-8''IMG_0001.JPG");

        auto head = http.request("HEAD", "/api/assets/" + jpeg.id + "/original", alice.auth());
        CHECK(head.status == 200);
        CHECK(head.body.empty());
        CHECK(head.header("Content-Length") == std::to_string(jpeg.bytes.size()));
        CHECK(head.header("ETag") == r.header("ETag"));
    }

    TEST_CASE("Range: first bytes, a suffix, open-ended, several ranges, and past the end") {
        AppFixture fx(fastAuth());
        HttpClient http(fx.port());
        auto alice = firstUser(http);
        auto video = uploadOne(http, alice, "video.mp4", "clip.mp4");
        const auto size = video.bytes.size();
        const std::string path = "/api/assets/" + video.id + "/original";
        auto withRange = [&](const std::string& range, HeaderList extra = {}) {
            HeaderList h = alice.auth();
            h.emplace_back("Range", range);
            for (auto& e : extra) h.push_back(e);
            return http.get(path, h);
        };

        auto first = withRange("bytes=0-99");
        REQUIRE(first.status == 206);
        CHECK(first.body == video.bytes.substr(0, 100));
        CHECK(first.header("Content-Range") == "bytes 0-99/" + std::to_string(size));
        CHECK(first.header("Content-Type") == "video/mp4");

        auto suffix = withRange("bytes=-100");
        REQUIRE(suffix.status == 206);
        CHECK(suffix.body == video.bytes.substr(size - 100));
        CHECK(suffix.header("Content-Range") ==
              "bytes " + std::to_string(size - 100) + "-" + std::to_string(size - 1) + "/" + std::to_string(size));

        auto open = withRange("bytes=1000-");
        REQUIRE(open.status == 206);
        CHECK(open.body == video.bytes.substr(1000));

        auto several = withRange("bytes=0-1,10-20");
        CHECK(several.status == 200);
        CHECK(several.body == video.bytes);

        auto past = withRange("bytes=" + std::to_string(size) + "-");
        CHECK(past.status == 416);
        CHECK(past.header("Content-Range") == "bytes */" + std::to_string(size));
        CHECK(errorCode(past) == "range_not_satisfiable");

        // If-Range with a stale validator: the whole (changed) representation instead of a piece of it.
        auto stale = withRange("bytes=0-99", {{"If-Range", "\"0000\""}});
        CHECK(stale.status == 200);
        auto current = withRange("bytes=0-99", {{"If-Range", *first.header("ETag")}});
        CHECK(current.status == 206);
    }

    TEST_CASE("If-None-Match and If-Modified-Since answer 304 without a body") {
        AppFixture fx(fastAuth());
        HttpClient http(fx.port());
        auto alice = firstUser(http);
        auto png = uploadOne(http, alice, "plain.png", "a.png");
        const std::string path = "/api/assets/" + png.id + "/original";
        auto full = http.get(path, alice.auth());
        REQUIRE(full.status == 200);

        HeaderList inm = alice.auth();
        inm.emplace_back("If-None-Match", *full.header("ETag"));
        auto cached = http.get(path, inm);
        CHECK(cached.status == 304);
        CHECK(cached.body.empty());
        CHECK(cached.header("ETag") == full.header("ETag"));

        HeaderList other = alice.auth();
        other.emplace_back("If-None-Match", "\"something-else\"");
        CHECK(http.get(path, other).status == 200);

        HeaderList ims = alice.auth();
        ims.emplace_back("If-Modified-Since", *full.header("Last-Modified"));
        CHECK(http.get(path, ims).status == 304);
        HeaderList old = alice.auth();
        old.emplace_back("If-Modified-Since", "Thu, 01 Jan 1970 00:00:00 GMT");
        CHECK(http.get(path, old).status == 200);
    }

    TEST_CASE("a hostile file name: safe Content-Disposition, and the file on disk is named by the asset id") {
        AppFixture fx(fastAuth());
        HttpClient http(fx.port());
        auto alice = firstUser(http);
        // filename* carries what a plain quoted filename cannot: quotes, CR/LF, non-ASCII, a path.
        const std::string disposition =
            "form-data; name=\"assetData\"; filename=\"plain.jpg\"; "
            "filename*=UTF-8''%22Caf%C3%A9%22%0D%0AX-Injected%3A%201%20..%2F..%2Fetc%2Fpasswd";
        auto r =
            postForm(http, alice,
                     formFile("assetData", "", Fixtures::get().bytes("plain.jpg"), kBoundary, disposition) + formEnd());
        REQUIRE_MESSAGE(r.status == 201, r.body);
        const auto asset = bodyOf(r);
        const std::string id = asset["id"];
        // The client's folders are not recorded, and control characters are gone.
        CHECK(asset["originalFileName"] == "passwd");

        auto got = http.get("/api/assets/" + id + "/original", alice.auth());
        REQUIRE(got.status == 200);
        CHECK_FALSE(got.hasHeader("X-Injected"));
        CHECK(got.header("Content-Disposition") == "attachment; filename=\"passwd.jpg\"; filename*=UTF-8''passwd.jpg");

        for (const auto& f : filesUnder(fx.dataDir())) CHECK(f.find("passwd") == std::string::npos);
        for (const auto& f : blobsUnder(fx.app(), "")) CHECK(f.find("passwd") == std::string::npos);
        CHECK(blobsUnder(fx.app(), "library/" + alice.id).size() == 1);
        CHECK(blobsUnder(fx.app(), "library/" + alice.id)[0].find(id + ".jpg") != std::string::npos);
    }

    TEST_CASE("a name with quotes and non-ASCII letters gets an ASCII fallback and the UTF-8 original") {
        AppFixture fx(fastAuth());
        HttpClient http(fx.port());
        auto alice = firstUser(http);
        auto r = postForm(http, alice,
                          formFile("assetData", "", Fixtures::get().bytes("plain.png"), kBoundary,
                                   "form-data; name=\"assetData\"; filename*=UTF-8''%22%E6%9D%B1%E4%BA%AC%22.png") +
                              formEnd());
        REQUIRE_MESSAGE(r.status == 201, r.body);
        auto got = http.get("/api/assets/" + bodyOf(r)["id"].get<std::string>() + "/original", alice.auth());
        CHECK(got.header("Content-Disposition") ==
              "attachment; filename=\"____.png\"; filename*=UTF-8''%22%E6%9D%B1%E4%BA%AC%22.png");
    }

    TEST_CASE("bandwidth: bytes of GET bodies are counted for the month; HEAD and 304 are not") {
        AppFixture fx(fastAuth());
        HttpClient http(fx.port());
        auto alice = firstUser(http);
        auto png = uploadOne(http, alice, "plain.png", "a.png");
        const std::string path = "/api/assets/" + png.id + "/original";
        CHECK(bandwidth(http, alice) == 0);
        auto full = http.get(path, alice.auth());
        REQUIRE(full.status == 200);
        HeaderList range = alice.auth();
        range.emplace_back("Range", "bytes=0-9");
        REQUIRE(http.get(path, range).status == 206);
        REQUIRE(http.request("HEAD", path, alice.auth()).status == 200);
        HeaderList inm = alice.auth();
        inm.emplace_back("If-None-Match", *full.header("ETag"));
        REQUIRE(http.get(path, inm).status == 304);
        // Written in batches (at least every second), not one database write per download.
        const auto expected = static_cast<std::int64_t>(png.bytes.size()) + 10;
        CHECK(waitFor([&] { return bandwidth(http, alice) == expected; }));
        std::this_thread::sleep_for(std::chrono::milliseconds(1500));
        CHECK(bandwidth(http, alice) == expected);
    }
}

TEST_SUITE("download.derivatives") {
    TEST_CASE("thumbnail, preview and video are 404 not_ready until made; ?size and ?wait are validated") {
        AppFixture fx(fastAuth());
        fx.app().jobs().stop();  // the media module's jobs wait: nothing gets made
        HttpClient http(fx.port());
        auto alice = firstUser(http);
        auto image = uploadOne(http, alice, "plain.jpg", "a.jpg");
        auto video = uploadOne(http, alice, "video.mp4", "v.mp4");
        for (const std::string q : {"", "?size=thumbnail", "?size=thumb", "?size=preview", "?wait=1"}) {
            CAPTURE(q);
            auto r = http.get("/api/assets/" + image.id + "/thumbnail" + q, alice.auth());
            CHECK(r.status == 404);
            CHECK(errorCode(r) == "not_ready");
        }
        auto playable = http.get("/api/assets/" + video.id + "/video", alice.auth());
        CHECK(playable.status == 404);
        CHECK(errorCode(playable) == "not_ready");
        CHECK(errorCode(http.get("/api/assets/" + image.id + "/video", alice.auth())) == "not_found");
        CHECK(http.get("/api/assets/" + image.id + "/thumbnail?size=huge", alice.auth()).status == 400);
        CHECK(http.get("/api/assets/" + image.id + "/thumbnail?wait=31", alice.auth()).status == 400);
        CHECK(http.get("/api/assets/" + image.id + "/thumbnail?wait=-1", alice.auth()).status == 400);
        CHECK(http.get("/api/assets/" + image.id + "/thumbnail?wait=abc", alice.auth()).status == 400);
    }

    TEST_CASE("a ready thumbnail is served from derived/ with its type, an immutable cache and the version tag") {
        AppFixture fx(fastAuth());
        fx.app().jobs().stop();  // this test plays the media module itself
        HttpClient http(fx.port());
        auto alice = firstUser(http);
        auto image = uploadOne(http, alice, "plain.jpg", "a.jpg");
        // What the media module will do: write the file, then record the state.
        const std::string webp = Fixtures::get().bytes("vp8.webp");
        putBlob(fx.app(), "derived/" + alice.id + "/" + image.id + "/thumbnail.webp", webp);
        REQUIRE(fx.app().storage().run([&](storage::Repositories& repos) -> Status {
            auto w = repos.images().setDerivativeState(image.id, "thumbnail", "ready", 3, std::nullopt);
            if (!w) return std::move(w).error();
            return {};
        }));
        auto r = http.get("/api/assets/" + image.id + "/thumbnail?size=thumbnail&v=3", alice.auth());
        REQUIRE(r.status == 200);
        CHECK(r.body == webp);
        CHECK(r.header("Content-Type") == "image/webp");
        CHECK(r.header("Content-Security-Policy") == "sandbox");
        CHECK(r.header("Cache-Control") == "private, max-age=31536000, immutable");
        CHECK(r.header("ETag") == "\"" + image.id + "-thumbnail-3\"");
        CHECK_FALSE(r.hasHeader("Content-Disposition"));
        // The preview is still pending.
        CHECK(errorCode(http.get("/api/assets/" + image.id + "/thumbnail?size=preview", alice.auth())) == "not_ready");
    }
}

TEST_SUITE("download.ownership") {
    TEST_CASE("another user's asset is 404 on original, thumbnail and video, and its bytes are not counted") {
        AppFixture fx(fastAuth());
        HttpClient http(fx.port());
        auto alice = firstUser(http);
        auto bob = otherUser(http, alice, "bob");
        auto image = uploadOne(http, alice, "plain.jpg", "a.jpg");
        auto video = uploadOne(http, alice, "video.mp4", "v.mp4");
        for (const auto& id : {image.id, video.id}) {
            for (const std::string tail : {"/original", "/thumbnail", "/thumbnail?size=preview", "/video"}) {
                CAPTURE(tail);
                auto r = http.get("/api/assets/" + id + tail, bob.auth());
                CHECK(r.status == 404);
                CHECK(errorCode(r) == "not_found");
                HeaderList h = bob.auth();
                h.emplace_back("Range", "bytes=0-1");
                CHECK(http.get("/api/assets/" + id + tail, h).status == 404);
            }
        }
        // A query that would be 400 on one's own asset is still 404 on someone else's.
        CHECK(http.get("/api/assets/" + image.id + "/thumbnail?size=huge", bob.auth()).status == 404);
        CHECK(http.get("/api/assets/not-a-uuid/original", alice.auth()).status == 404);
        std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // past a bandwidth flush
        CHECK(bandwidth(http, alice) == 0);
        CHECK(bandwidth(http, bob) == 0);
        CHECK(http.get("/api/assets/" + image.id + "/original").status == 401);
    }
}

// An upload into S3 is sent while its body arrives (UploadTempFile::stageInto, the plugin's staged put): parts are
// in the bucket before the body ends, and whatever stops the upload — the client vanishing mid-body, or the bytes
// turning out to be a duplicate — leaves no row, no object, no staged copy and no pending multipart upload.
#include <doctest/doctest.h>

#include <cstdint>

#include "app_fixture.hpp"
#include "s3_test_blobs.hpp"
#include "upload_support.hpp"

using namespace obscura;
using namespace obscura::test;

namespace {

// The app on S3 with 5 MiB parts (the smallest S3 allows), so a test-sized upload goes up in several.
std::map<std::string, std::string> streamingConfig(const std::string& key) {
    auto o = fastAuth(s3BlobOverrides(key));
    o["blobs.s3.multipartThresholdBytes"] = std::to_string(5 << 20);
    o["blobs.s3.partSizeBytes"] = std::to_string(5 << 20);
    return o;
}

// A real MP4 followed by one ISO-BMFF `free` box of padding: it sniffs and probes as a video of `size` bytes.
std::string bigVideo(std::size_t size, char fill) {
    std::string bytes = Fixtures::get().bytes("video.mp4");
    const std::size_t pad = size - bytes.size();
    bytes += {static_cast<char>(pad >> 24), static_cast<char>(pad >> 16), static_cast<char>(pad >> 8),
              static_cast<char>(pad)};
    bytes += "free";
    bytes.append(pad - 8, fill);
    return bytes;
}

// The app on S3 with small parts, one account, and the prefix its objects live under.
struct StreamingApp {
    TempDir key;
    std::map<std::string, std::string> config = streamingConfig(key.path());
    std::string prefix = config.at("blobs.s3.prefix");
    AppFixture fx{config};
    HttpClient http{fx.port()};
    User alice = firstUser(http);
};

void checkNothingInBucket(const std::string& prefix) {
    CHECK(waitFor([&] { return !s3UploadPendingUnder(prefix); }));
    CHECK(s3KeysUnder(prefix + "library/").empty());
    CHECK(s3KeysUnder(prefix + "tmp/").empty());
}

}  // namespace

TEST_SUITE("blobs.s3.upload") {
    TEST_CASE("parts reach S3 while the body arrives; a client gone mid-body leaves no row, object or upload") {
        StreamingApp app;
        auto& prefix = app.prefix;
        auto& fx = app.fx;
        auto& http = app.http;
        auto& alice = app.alice;
        const std::string body = formFile("assetData", "big.mp4", bigVideo(24 << 20, 'a')) + formEnd();
        RawConnection raw(fx.port());
        REQUIRE(raw.send("POST /api/assets HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + alice.access +
                         "\r\nContent-Type: " + formContentType() +
                         "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body.substr(0, 18 << 20)));
        // 18 of 24 MiB sent: at least two 5 MiB parts are in the bucket already, pending under the key the asset
        // will likely get (the file has no date of its own: this month's folder), invisible until completed.
        CHECK(waitFor([&] { return s3PendingParts(prefix + "library/") >= 2; }));
        CHECK(s3KeysUnder(prefix + "library/").empty());
        raw.abort();
        checkNothingInBucket(prefix);
        CHECK(waitFor([&] { return leftoverTempFiles(fx.dataDir() + "/tmp").empty(); }));
        CHECK(bodyOf(http.get("/api/assets/statistics", alice.auth()))["total"] == 0);
    }

    TEST_CASE("a large upload lands under its library key; its duplicate leaves nothing staged behind") {
        StreamingApp app;
        auto& prefix = app.prefix;
        auto& fx = app.fx;
        auto& http = app.http;
        auto& alice = app.alice;
        const std::string video = bigVideo(16 << 20, 'b');
        auto first = upload(http, alice, "big.mp4", video);
        REQUIRE_MESSAGE(first.status == 201, first.body);
        auto again = upload(http, alice, "again.mp4", video);
        CHECK(again.status == 200);
        CHECK(bodyOf(again)["status"] == "duplicate");
        CHECK(bodyOf(again)["id"] == bodyOf(first)["id"]);

        CHECK(waitFor([&] { return !s3UploadPendingUnder(prefix); }));
        CHECK(s3KeysUnder(prefix + "tmp/").empty());
        const auto library = s3KeysUnder(prefix + "library/");
        REQUIRE(library.size() == 1);
        CHECK(library[0].find(bodyOf(first)["id"].get<std::string>()) != std::string::npos);
        auto original = http.get("/api/assets/" + bodyOf(first)["id"].get<std::string>() + "/original", alice.auth());
        CHECK(original.status == 200);
        CHECK((original.body == video));
        CHECK(leftoverTempFiles(fx.dataDir() + "/tmp").empty());
    }
}

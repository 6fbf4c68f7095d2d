// The app on blobs.plugin=s3 against the test Ceph gateway, for what the *_s3 twins cannot show: the bytes really
// are objects in the bucket (none in the data dir), blobs.s3.redirectDownloads answers 302 to a presigned GET the
// gateway honours (and refuses when tampered with), and a bad setting stops the start naming it.
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>

#include "app_fixture.hpp"
#include "s3_test_blobs.hpp"
#include "upload_support.hpp"

using namespace obscura;
using namespace obscura::test;

namespace {

std::string env(const char* name) {
    const char* v = std::getenv(name);
    return v == nullptr ? std::string() : std::string(v);
}

[[maybe_unused]] const bool gNeedsGateway = [] {
    if (env("OBSCURA_TEST_S3_ENDPOINT").empty()) {
        std::fprintf(stderr, "integration: S3 NOT tested (OBSCURA_TEST_S3_ENDPOINT unset)\n");
        std::exit(77);
    }
    return true;
}();

std::map<std::string, std::string> s3Config(const std::string& key, bool redirect) {
    auto o = fastAuth(s3BlobOverrides(key));
    o["blobs.s3.redirectDownloads"] = redirect ? "true" : "false";
    return o;
}

// A presigned URL on the gateway, fetched without any of our credentials.
HttpResponse fetch(const std::string& url, HeaderList headers = {}) {
    const std::string rest = url.substr(url.find("://") + 3);
    const std::size_t colon = rest.find(':');
    const std::size_t slash = rest.find('/');
    HttpClient gateway(std::stoi(rest.substr(colon + 1, slash - colon - 1)));
    return gateway.get(rest.substr(slash), headers);
}

std::string uploadJpeg(HttpClient& http, const User& user, std::string& bytes) {
    bytes = Fixtures::get().bytes("exif.jpg");
    auto r = upload(http, user, "IMG_0001.JPG", bytes);
    REQUIRE_MESSAGE(r.status == 201, r.body);
    return bodyOf(r)["id"];
}

}  // namespace

TEST_SUITE("blobs.s3.app") {
    TEST_CASE("originals and derivatives become objects in the bucket, none a file in the data dir") {
        TempDir key;
        AppFixture fx(s3Config(key.path(), false));
        HttpClient http(fx.port());
        auto alice = firstUser(http);
        std::string bytes;
        const std::string id = uploadJpeg(http, alice, bytes);
        auto thumb = http.get("/api/assets/" + id + "/thumbnail?wait=20", alice.auth());
        CHECK_MESSAGE(thumb.status == 200, thumb.body);
        CHECK(filesUnder(fx.dataDir() + "/library").empty());
        CHECK(filesUnder(fx.dataDir() + "/derived").empty());

        auto whole = http.get("/api/assets/" + id + "/original", alice.auth());
        CHECK(whole.status == 200);
        CHECK(whole.body == bytes);
        auto part = http.get("/api/assets/" + id + "/original",
                             {{"Authorization", "Bearer " + alice.access}, {"Range", "bytes=100-199"}});
        CHECK(part.status == 206);
        CHECK(part.body == bytes.substr(100, 100));
    }

    TEST_CASE("redirectDownloads: 302 to a presigned GET that serves the bytes; a tampered one is 403") {
        TempDir key;
        AppFixture fx(s3Config(key.path(), true));
        HttpClient http(fx.port());
        auto alice = firstUser(http);
        std::string bytes;
        const std::string id = uploadJpeg(http, alice, bytes);

        auto r = http.get("/api/assets/" + id + "/original", alice.auth());
        REQUIRE(r.status == 302);
        const std::string location = r.header("Location").value_or("");
        CHECK(location.find("X-Amz-Signature=") != std::string::npos);
        CHECK(r.header("Cache-Control").value_or("").find("no-store") != std::string::npos);
        auto direct = fetch(location);
        CHECK(direct.status == 200);
        CHECK(direct.body == bytes);
        CHECK(direct.header("Content-Type").value_or("") == "image/jpeg");
        CHECK(direct.header("Content-Disposition").value_or("").find("attachment") != std::string::npos);
        auto ranged = fetch(location, {{"Range", "bytes=0-9"}});
        CHECK(ranged.status == 206);
        CHECK(ranged.body == bytes.substr(0, 10));

        std::string tampered = location;
        tampered.back() = tampered.back() == 'a' ? 'b' : 'a';
        CHECK(fetch(tampered).status == 403);

        auto thumb = http.get("/api/assets/" + id + "/thumbnail?wait=20", alice.auth());
        REQUIRE(thumb.status == 302);
        CHECK(fetch(thumb.header("Location").value_or("")).status == 200);
        // Still only the owner is redirected: another user gets 404 as ever.
        auto bob = otherUser(http, alice, "bob");
        CHECK(http.get("/api/assets/" + id + "/original", bob.auth()).status == 404);
    }

    TEST_CASE("a bad S3 setting stops the start with one line naming it, and never the secret") {
        TempDir dir;
        auto base = s3BlobOverrides(dir.path());
        std::map<std::string, std::string> environment = {
            {"OBSCURA_BLOBS_PLUGIN", "s3"},
            {"OBSCURA_BLOBS_PLUGIN_DIR", pluginDir()},
            {"OBSCURA_STORAGE_PLUGIN_DIR", pluginDir()},
            {"OBSCURA_BLOBS_S3_ENDPOINT", base["blobs.s3.endpoint"]},
            {"OBSCURA_BLOBS_S3_REGION", base["blobs.s3.region"]},
            {"OBSCURA_BLOBS_S3_BUCKET", "no-such-bucket"},
            {"OBSCURA_BLOBS_S3_ACCESS_KEY_ID", base["blobs.s3.accessKeyId"]},
            {"OBSCURA_BLOBS_S3_SECRET_ACCESS_KEY", base["blobs.s3.secretAccessKey"]}};
        const std::vector<std::string> argv = {obscuraBinary(),      "serve",  "--data-dir",
                                               dir.path() + "/data", "--port", "0"};
        auto r = run(argv, environment);
        CHECK(r.exitCode != 0);
        CHECK_MESSAGE(r.err.find("blobs.s3.bucket") != std::string::npos, r.err);
        CHECK(r.err.find(base["blobs.s3.secretAccessKey"]) == std::string::npos);
        CHECK(r.out.find(base["blobs.s3.secretAccessKey"]) == std::string::npos);

        environment["OBSCURA_BLOBS_S3_BUCKET"] = base["blobs.s3.bucket"];
        environment["OBSCURA_BLOBS_S3_SECRET_ACCESS_KEY"] = "not-the-secret";
        r = run(argv, environment);
        CHECK(r.exitCode != 0);
        CHECK_MESSAGE(r.err.find("blobs.s3.secretAccessKey") != std::string::npos, r.err);

        environment["OBSCURA_BLOBS_S3_SECRET_ACCESS_KEY"] = base["blobs.s3.secretAccessKey"];
        environment["OBSCURA_BLOBS_S3_ENDPOINT"] = "http://127.0.0.1:1";
        r = run(argv, environment);
        CHECK(r.exitCode != 0);
        CHECK_MESSAGE(r.err.find("blobs.s3.endpoint") != std::string::npos, r.err);
    }
}

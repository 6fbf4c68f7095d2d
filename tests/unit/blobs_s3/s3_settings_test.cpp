#include "s3_settings.hpp"

#include <doctest/doctest.h>

using namespace obscura;
using namespace obscura::s3;

namespace {

std::map<std::string, std::string> good() {
    return {
        {"endpoint", "http://127.0.0.1:7480"}, {"bucket", "photos"}, {"accessKeyId", "AK"}, {"secretAccessKey", "SK"}};
}

std::string problem(std::map<std::string, std::string> m) {
    auto s = parseS3Settings(m, "/data");
    REQUIRE_FALSE(s.ok());
    CHECK(s.error().code == ErrorCode::Invalid);
    return s.error().message;
}

}  // namespace

TEST_SUITE("blobs.s3.settings") {
    TEST_CASE("defaults: path style, us-east-1, 64 MiB threshold, 16 MiB parts, 15 min presign") {
        auto s = parseS3Settings(good(), "/data");
        REQUIRE_MESSAGE(s.ok(), s.error().message);
        CHECK(s->pathStyle);
        CHECK(s->region == "us-east-1");
        CHECK(s->multipartThresholdBytes == 64ULL << 20);
        CHECK(s->partSizeBytes == 16ULL << 20);
        CHECK(s->presignTtlSeconds == 900);
        CHECK(s->bucketUrl() == "http://127.0.0.1:7480/photos");
    }

    TEST_CASE("virtual-hosted style puts the bucket in the host; a prefix gains its slash") {
        auto m = good();
        m["pathStyle"] = "false";
        m["endpoint"] = "https://s3.example.org/";
        m["prefix"] = "/obscura";
        auto s = parseS3Settings(m, "/data");
        REQUIRE(s.ok());
        CHECK(s->bucketUrl() == "https://photos.s3.example.org");
        CHECK(s->prefix == "obscura/");
    }

    TEST_CASE("each missing or malformed setting is named in the error") {
        auto m = good();
        m.erase("endpoint");
        CHECK(problem(m).find("blobs.s3.endpoint") == 0);
        m = good();
        m["endpoint"] = "ftp://x";
        CHECK(problem(m).find("blobs.s3.endpoint") == 0);
        m = good();
        m["endpoint"] = "http://host/path";
        CHECK(problem(m).find("blobs.s3.endpoint") == 0);
        m = good();
        m.erase("bucket");
        CHECK(problem(m).find("blobs.s3.bucket") == 0);
        m = good();
        m["bucket"] = "A!";
        CHECK(problem(m).find("blobs.s3.bucket") == 0);
        m = good();
        m.erase("accessKeyId");
        CHECK(problem(m).find("blobs.s3.accessKeyId") == 0);
        m = good();
        m.erase("secretAccessKey");
        CHECK(problem(m).find("blobs.s3.secretAccessKey") == 0);
        m = good();
        m["partSizeBytes"] = "1024";
        CHECK(problem(m).find("blobs.s3.partSizeBytes") == 0);
        m = good();
        m["pathStyle"] = "maybe";
        CHECK(problem(m).find("blobs.s3.pathStyle") == 0);
    }

    TEST_CASE("the secret key never appears in an error") {
        auto m = good();
        m["secretAccessKey"] = "TOPSECRET";
        m["partSizeBytes"] = "x";
        CHECK(problem(m).find("TOPSECRET") == std::string::npos);
    }
}

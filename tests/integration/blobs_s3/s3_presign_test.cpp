#include <doctest/doctest.h>

#include <thread>

#include "s3_fixture.hpp"

using namespace obscura;
using namespace obscura::s3test;

TEST_SUITE("blobs.s3.presign") {
    TEST_CASE("a presigned GET serves the object, with the response type it was signed for") {
        S3Fixture f;
        REQUIRE(f.store->put("library/u/a.jpg", f.file("jpeg bytes"), {"image/jpeg"}).ok());
        auto get = f.store->presignGet("library/u/a.jpg", 60, {"image/jpeg", "attachment; filename=\"a.jpg\""});
        REQUIRE(get.has_value());
        CHECK(get->method == "GET");
        const auto answer = http("GET", get->url);
        CHECK(answer.status == 200);
        CHECK(answer.body == "jpeg bytes");
    }

    TEST_CASE("a tampered presigned URL is refused with 403: other key, other expiry, other signature") {
        S3Fixture f;
        REQUIRE(f.store->put("a", f.file("A"), {}).ok());
        REQUIRE(f.store->put("b", f.file("B"), {}).ok());
        auto get = f.store->presignGet("a", 60, {});
        REQUIRE(get.has_value());
        std::string otherKey = get->url;
        otherKey.replace(otherKey.find(f.prefix + "a?"), f.prefix.size() + 2, f.prefix + "b?");
        CHECK(http("GET", otherKey).status == 403);
        std::string longer = get->url;
        longer.replace(longer.find("X-Amz-Expires=60"), 16, "X-Amz-Expires=600");
        CHECK(http("GET", longer).status == 403);
        std::string badSig = get->url;
        char& last = badSig.back();
        last = last == '0' ? '1' : '0';
        CHECK(http("GET", badSig).status == 403);
        CHECK(http("PUT", get->url, "overwrite").status == 403);  // a GET URL grants no PUT
    }

    TEST_CASE("a presigned PUT stores one object, only with the signed Content-Type") {
        S3Fixture f;
        auto put = f.store->presignPut("uploads/x.heic", 60, {"image/heic"});
        REQUIRE(put.has_value());
        REQUIRE(put->headers.size() == 1);
        CHECK(put->headers[0].first == "Content-Type");
        CHECK(http("PUT", put->url, "direct", {{"Content-Type", "text/html"}}).status == 403);
        CHECK(http("PUT", put->url, "direct", put->headers).status == 200);
        auto info = f.store->stat("uploads/x.heic");
        REQUIRE(info.ok());
        CHECK(info->size == 6);
    }

    TEST_CASE("a presigned PUT with a signed length grants one key, one size, for its TTL only") {
        S3Fixture f;
        blobs::PutOptions options;
        options.contentType = "image/jpeg";
        options.contentLength = 6;
        auto put = f.store->presignPut("direct-uploads/u/one", 60, options);
        REQUIRE(put.has_value());
        // curl computes Content-Length from the body; the signed value is the URL's, not the client's to choose.
        std::vector<std::pair<std::string, std::string>> typeOnly;
        bool lengthSigned = false;
        for (const auto& [name, value] : put->headers) {
            if (name == "Content-Length") {
                lengthSigned = value == "6";
            } else {
                typeOnly.emplace_back(name, value);
            }
        }
        CHECK(lengthSigned);
        CHECK(put->url.find("content-length") != std::string::npos);  // in X-Amz-SignedHeaders
        CHECK(http("PUT", put->url, "longer than six", typeOnly).status == 403);
        CHECK(http("PUT", put->url, "short", typeOnly).status == 403);
        CHECK_FALSE(f.store->stat("direct-uploads/u/one").ok());
        std::string otherKey = put->url;
        otherKey.replace(otherKey.find("direct-uploads/u/one?"), 21, "direct-uploads/u/two?");
        CHECK(http("PUT", otherKey, "sixsix", typeOnly).status == 403);
        CHECK_FALSE(f.store->stat("direct-uploads/u/two").ok());
        std::string badSig = put->url;
        char& last = badSig.back();
        last = last == '0' ? '1' : '0';
        CHECK(http("PUT", badSig, "sixsix", typeOnly).status == 403);
        std::string longer = put->url;
        longer.replace(longer.find("X-Amz-Expires=60"), 16, "X-Amz-Expires=600");
        CHECK(http("PUT", longer, "sixsix", typeOnly).status == 403);

        CHECK(http("PUT", put->url, "sixsix", typeOnly).status == 200);
        auto info = f.store->stat("direct-uploads/u/one");
        REQUIRE(info.ok());
        CHECK(info->size == 6);

        auto brief = f.store->presignPut("direct-uploads/u/late", 1, options);
        REQUIRE(brief.has_value());
        std::this_thread::sleep_for(std::chrono::milliseconds(2100));
        CHECK(http("PUT", brief->url, "sixsix", typeOnly).status == 403);
        CHECK_FALSE(f.store->stat("direct-uploads/u/late").ok());
    }

    TEST_CASE("an expired presigned URL is refused") {
        S3Fixture f;
        REQUIRE(f.store->put("a", f.file("A"), {}).ok());
        auto get = f.store->presignGet("a", 1, {});
        REQUIRE(get.has_value());
        std::this_thread::sleep_for(std::chrono::milliseconds(2100));
        CHECK(http("GET", get->url).status == 403);
    }

    TEST_CASE("invalid keys are refused before any request") {
        S3Fixture f;
        CHECK_FALSE(f.store->presignGet("../etc/passwd", 60, {}).has_value());
        CHECK(f.store->stat("/abs").error().code == ErrorCode::Invalid);
        CHECK(f.store->open("a//b", {}).error().code == ErrorCode::Invalid);
        CHECK_FALSE(f.store->localPath("a").has_value());
    }
}

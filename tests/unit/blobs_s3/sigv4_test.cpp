#include "sigv4.hpp"

#include <doctest/doctest.h>

using namespace obscura::s3;

TEST_SUITE("blobs.s3.sigv4") {
    TEST_CASE("presigned GET matches AWS's documented example signature") {
        // "Authenticating Requests: Using Query Parameters (AWS Signature Version 4)", the S3 API reference.
        PresignInput in;
        in.method = "GET";
        in.scheme = "https";
        in.host = "examplebucket.s3.amazonaws.com";
        in.path = "/test.txt";
        in.region = "us-east-1";
        in.accessKeyId = "AKIAIOSFODNN7EXAMPLE";
        in.secretAccessKey = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
        in.now = 1369353600;  // 20130524T000000Z
        in.ttlSeconds = 86400;
        const std::string url = presignUrl(in);
        CHECK(url ==
              "https://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256"
              "&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"
              "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host"
              "&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404");
    }

    TEST_CASE("query strings are sorted and every parameter carries '=' (libcurl 7.88 does neither)") {
        CHECK(canonicalQuery({{"uploads", ""}}) == "uploads=");
        CHECK(canonicalQuery({{"uploadId", "a/b c"}, {"partNumber", "2"}}) == "partNumber=2&uploadId=a%2Fb%20c");
        CHECK(canonicalQuery({{"prefix", "x"}, {"list-type", "2"}, {"max-keys", "5"}}) ==
              "list-type=2&max-keys=5&prefix=x");
    }

    TEST_CASE("keys are percent-encoded per RFC 3986, slashes kept in paths only") {
        CHECK(uriEncode("library/u1/2024/05/a b+c~d.jpg", true) == "library/u1/2024/05/a%20b%2Bc~d.jpg");
        CHECK(uriEncode("a/b", false) == "a%2Fb");
        CHECK(uriEncode("\xc3\xa9", true) == "%C3%A9");
    }

    TEST_CASE("SHA-256 and HMAC helpers agree with known vectors") {
        CHECK(sha256Hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        CHECK(hexEncode(hmacSha256("key", "The quick brown fox jumps over the lazy dog")) ==
              "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8");
        CHECK(amzDate(0) == "19700101T000000Z");
    }
}

#include "s3_xml.hpp"

#include <doctest/doctest.h>

#include "s3_client.hpp"

using namespace obscura::s3;

TEST_SUITE("blobs.s3.xml") {
    TEST_CASE("ListObjectsV2: keys decoded, sizes and times read, truncation seen") {
        const std::string xml =
            "<?xml version=\"1.0\"?><ListBucketResult><Name>b</Name><IsTruncated>true</IsTruncated>"
            "<Contents><Key>p/a&amp;b&#x20;&#233;</Key><LastModified>2024-05-01T12:00:00.000Z</LastModified>"
            "<Size>12</Size></Contents><Contents><Key>p/z</Key><Size>0</Size>"
            "<LastModified>1970-01-01T00:00:01.000Z</LastModified></Contents></ListBucketResult>";
        const ListResult r = parseListObjectsV2(xml);
        REQUIRE(r.objects.size() == 2);
        CHECK(r.truncated);
        CHECK(r.objects[0].key == "p/a&b \xc3\xa9");
        CHECK(r.objects[0].size == 12);
        CHECK(r.objects[0].modifiedAt == 1714564800);
        CHECK(r.objects[1].key == "p/z");
        CHECK(r.objects[1].modifiedAt == 1);
    }

    TEST_CASE("an empty, complete listing") {
        const ListResult r =
            parseListObjectsV2("<ListBucketResult><IsTruncated>false</IsTruncated></ListBucketResult>");
        CHECK(r.objects.empty());
        CHECK_FALSE(r.truncated);
    }

    TEST_CASE("error documents: the code is read, 404 is NotFound and 5xx Unavailable with Retry-After") {
        S3Response r;
        r.status = 404;
        r.body = "<Error><Code>NoSuchKey</Code><Message></Message></Error>";
        CHECK(errorCode(r.body) == "NoSuchKey");
        CHECK(responseError(r, "x").code == obscura::ErrorCode::NotFound);
        r.status = 503;
        r.body = "<Error><Code>SlowDown</Code></Error>";
        const auto e = responseError(r, "x");
        CHECK(e.code == obscura::ErrorCode::Unavailable);
        CHECK(e.retryAfterSeconds.has_value());
        CHECK(xmlEscape("a<&>\"") == "a&lt;&amp;&gt;&quot;");
    }
}

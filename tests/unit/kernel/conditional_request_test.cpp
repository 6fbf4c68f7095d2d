#include "obscura/kernel/conditional_request.hpp"

#include <doctest/doctest.h>

#include "obscura/base/http_date.hpp"

using namespace obscura;

namespace {
constexpr std::int64_t kExample = 784111777;  // Sun, 06 Nov 1994 08:49:37 GMT (RFC 9110's example)
}

TEST_SUITE("kernel.conditional_request") {
    TEST_CASE("If-None-Match compares weakly, accepts lists and *") {
        const std::string etag = "\"abc\"";
        CHECK(ifNoneMatchHits("\"abc\"", etag));
        CHECK(ifNoneMatchHits("W/\"abc\"", etag));
        CHECK(ifNoneMatchHits("\"x\", \"abc\"", etag));
        CHECK(ifNoneMatchHits("*", etag));
        CHECK_FALSE(ifNoneMatchHits("\"abcd\"", etag));
        CHECK_FALSE(ifNoneMatchHits("", etag));
        CHECK_FALSE(ifNoneMatchHits("\"\"", etag));
    }

    TEST_CASE("If-None-Match overrides If-Modified-Since") {
        const std::string etag = "\"abc\"";
        const std::string later = formatHttpDate(kExample + 10);
        CHECK(notModified(std::nullopt, later, etag, kExample));
        CHECK(notModified(std::nullopt, formatHttpDate(kExample), etag, kExample));
        CHECK_FALSE(notModified(std::nullopt, formatHttpDate(kExample - 1), etag, kExample));
        CHECK_FALSE(notModified(std::string_view("\"other\""), later, etag, kExample));
        CHECK_FALSE(notModified(std::nullopt, std::string_view("garbage"), etag, kExample));
        CHECK_FALSE(notModified(std::nullopt, std::nullopt, etag, kExample));
    }

    TEST_CASE("If-Range needs the strong tag or the exact date") {
        const std::string etag = "\"abc\"";
        CHECK(ifRangeAllows(std::nullopt, etag, kExample));
        CHECK(ifRangeAllows(std::string_view("\"abc\""), etag, kExample));
        CHECK_FALSE(ifRangeAllows(std::string_view("W/\"abc\""), etag, kExample));
        CHECK_FALSE(ifRangeAllows(std::string_view("\"old\""), etag, kExample));
        CHECK(ifRangeAllows(std::string_view("Sun, 06 Nov 1994 08:49:37 GMT"), etag, kExample));
        CHECK_FALSE(ifRangeAllows(std::string_view("Sun, 06 Nov 1994 08:49:38 GMT"), etag, kExample));
    }
}

#include "obscura/base/http_date.hpp"

#include <doctest/doctest.h>

using namespace obscura;

namespace {
constexpr std::int64_t kExample = 784111777;  // Sun, 06 Nov 1994 08:49:37 GMT (RFC 9110's example)
}

TEST_SUITE("base.http_date") {
    TEST_CASE("HTTP dates are written as IMF-fixdate and read in all three forms") {
        CHECK(formatHttpDate(kExample) == "Sun, 06 Nov 1994 08:49:37 GMT");
        CHECK(formatHttpDate(0) == "Thu, 01 Jan 1970 00:00:00 GMT");
        CHECK(parseHttpDate("Sun, 06 Nov 1994 08:49:37 GMT") == kExample);
        CHECK(parseHttpDate("Sunday, 06-Nov-94 08:49:37 GMT") == kExample);
        CHECK(parseHttpDate("Sun Nov  6 08:49:37 1994") == kExample);
        CHECK(parseHttpDate(formatHttpDate(1700000000)) == 1700000000);
    }

    TEST_CASE("malformed or impossible dates are not dates") {
        for (const char* d :
             {"", "yesterday", "Sun, 06 Nov 1994 08:49:37 UTC", "Sun, 31 Feb 1994 08:49:37 GMT",
              "Sun, 06 Foo 1994 08:49:37 GMT", "Sun, 06 Nov 1994 25:49:37 GMT", "1994-11-06T08:49:37Z"}) {
            CAPTURE(d);
            CHECK_FALSE(parseHttpDate(d).has_value());
        }
    }

    TEST_CASE("blanks around a date are ignored") {
        CHECK(parseHttpDate("  Sun, 06 Nov 1994 08:49:37 GMT\t") == kExample);
    }

    TEST_CASE("the cached form follows the second it is given") {
        CHECK(cachedHttpDate(kExample) == "Sun, 06 Nov 1994 08:49:37 GMT");
        CHECK(cachedHttpDate(kExample) == "Sun, 06 Nov 1994 08:49:37 GMT");
        CHECK(cachedHttpDate(kExample + 1) == "Sun, 06 Nov 1994 08:49:38 GMT");
        CHECK(cachedHttpDate(0) == "Thu, 01 Jan 1970 00:00:00 GMT");
    }
}

#include "obscura/base/rfc3339.hpp"

#include <doctest/doctest.h>

using namespace obscura;

namespace {
constexpr std::int64_t kJuly4 = 1625386830LL * 1000000;  // 2021-07-04T08:20:30Z
}

TEST_SUITE("base.rfc3339") {
    TEST_CASE("parses offsets, Z and fractions into the same instant, keeping the text") {
        const auto z = parseRfc3339("2021-07-04T08:20:30Z");
        const auto plus = parseRfc3339("2021-07-04T10:20:30+02:00");
        const auto minus = parseRfc3339("2021-07-04T03:20:30-05:00");
        REQUIRE(z);
        REQUIRE(plus);
        REQUIRE(minus);
        CHECK(z->utcUs == kJuly4);
        CHECK(plus->utcUs == z->utcUs);
        CHECK(minus->utcUs == z->utcUs);
        CHECK(plus->text == "2021-07-04T10:20:30+02:00");
        const auto fraction = parseRfc3339("2021-07-04t08:20:30.1234567z");
        REQUIRE(fraction);
        CHECK(fraction->utcUs == z->utcUs + 123456);
        CHECK(fraction->text == "2021-07-04T08:20:30.1234567Z");
        CHECK(parseRfc3339("1969-12-31T23:59:59Z")->utcUs == -1000000);
        CHECK(parseRfc3339("2024-02-29T00:00:00Z"));
    }

    TEST_CASE("accepts every form old clients and stored rows use") {
        // A space for the T (what some clients and SQLite's own functions write), normalised in the text.
        const auto spaced = parseRfc3339("2021-07-04 08:20:30Z");
        REQUIRE(spaced);
        CHECK(spaced->utcUs == kJuly4);
        CHECK(spaced->text == "2021-07-04T08:20:30Z");
        // Any number of fraction digits: milliseconds (JavaScript), microseconds (the database), nanoseconds
        // (ffprobe, Go) and beyond; digits past the microsecond are ignored.
        CHECK(parseRfc3339Us("2021-07-04T08:20:30.1Z") == kJuly4 + 100000);
        CHECK(parseRfc3339Us("2021-07-04T08:20:30.123Z") == kJuly4 + 123000);
        CHECK(parseRfc3339Us("2021-07-04T08:20:30.123456Z") == kJuly4 + 123456);
        CHECK(parseRfc3339Us("2021-07-04T08:20:30.123456789Z") == kJuly4 + 123456);
        CHECK(parseRfc3339Us("2021-07-04T08:20:30.123456789012345Z") == kJuly4 + 123456);
        CHECK(parseRfc3339Us("2021-07-04T08:20:30-00:00") == kJuly4);
        CHECK(parseRfc3339Us("2021-07-04T13:50:30+05:30") == kJuly4);
    }

    TEST_CASE("a real leap second is the second after :59; any other :60 names no instant") {
        const auto midnight = parseRfc3339Us("2017-01-01T00:00:00Z");
        REQUIRE(midnight);
        CHECK(parseRfc3339Us("2016-12-31T23:59:60Z") == *midnight);
        CHECK(parseRfc3339Us("2017-01-01T00:59:60+01:00") == *midnight);  // 23:59:60 UTC, written in +01:00
        CHECK(parseRfc3339Us("2016-12-31T18:29:60-05:30") == *midnight);
        CHECK_FALSE(parseRfc3339("2016-12-31T23:58:60Z"));
        CHECK_FALSE(parseRfc3339("2016-12-31T23:59:60+01:00"));  // 22:59:60 UTC
    }

    TEST_CASE("refuses what is not an instant") {
        for (const char* bad :
             {"", "2021-07-04", "2021-07-04T10:20:30", "2021-07-04T10:20Z", "2021-02-29T00:00:00Z",
              "2021-04-31T00:00:00Z", "2021-13-01T00:00:00Z", "2021-07-04T24:00:00Z", "2021-07-04T10:20:60Z",
              "2021-07-04T10:20:30+2:00", "2021-07-04T10:20:30+24:00", "2021-07-04T10:20:30.Z",
              "2021-07-04T10:20:30Zjunk", "2021/07/04T10:20:30Z", "yesterday", "2021-07-04T10:20:30+02:00 "}) {
            CHECK_MESSAGE(!parseRfc3339(bad), bad);
            CHECK_MESSAGE(!parseRfc3339Us(bad), bad);
        }
        for (const char* bad :
             {"2021-00-10T00:00:00Z", "2021-07-00T00:00:00Z", "2021-07-04T10:60:00Z", "2021-07-04T10:20:30+02:60",
              "2021-07-04T10:20:30+0200", "2021-07-04_10:20:30Z", "+2021-07-04T10:20:30Z"}) {
            CHECK_MESSAGE(!parseRfc3339(bad), bad);
        }
    }

    TEST_CASE("formats UTC with milliseconds, always") {
        CHECK(formatRfc3339(kJuly4) == "2021-07-04T08:20:30.000Z");
        CHECK(formatRfc3339(kJuly4 + 5000) == "2021-07-04T08:20:30.005Z");
        CHECK(formatRfc3339(kJuly4 + 123456) == "2021-07-04T08:20:30.123Z");  // the microseconds are dropped
        CHECK(formatRfc3339(kJuly4 + 5) == "2021-07-04T08:20:30.000Z");
        CHECK(formatRfc3339(0) == "1970-01-01T00:00:00.000Z");
        // Before 1970 the sub-millisecond part is dropped toward the past, not toward zero.
        CHECK(formatRfc3339(-1) == "1969-12-31T23:59:59.999Z");
        CHECK(formatRfc3339(-1000000) == "1969-12-31T23:59:59.000Z");
        CHECK(formatRfc3339(951782400LL * 1000000) == "2000-02-29T00:00:00.000Z");
    }

    TEST_CASE("what it formats parses back to the same millisecond") {
        for (const std::int64_t us : std::initializer_list<std::int64_t>{
                 0, -1, 951782400LL * 1000000, 4102444799LL * 1000000 + 999999, kJuly4 + 123456}) {
            const auto back = parseRfc3339Us(formatRfc3339(us));
            REQUIRE(back);
            CHECK(*back <= us);
            CHECK(us - *back < 1000);
            CHECK(*back % 1000 == 0);
        }
    }

    TEST_CASE("the UTC month of a time") {
        CHECK(utcMonth(kJuly4) == "2021-07");
        CHECK(utcMonth(parseRfc3339Us("2021-08-01T01:00:00+02:00").value()) == "2021-07");
    }
}

#include <doctest/doctest.h>

#include "rfc3339.hpp"

using namespace obscura::images;

TEST_SUITE("images.rfc3339") {
    TEST_CASE("parses offsets, Z and fractions into the same instant, keeping the text") {
        const auto z = parseRfc3339("2021-07-04T08:20:30Z");
        const auto plus = parseRfc3339("2021-07-04T10:20:30+02:00");
        const auto minus = parseRfc3339("2021-07-04T03:20:30-05:00");
        REQUIRE(z);
        REQUIRE(plus);
        REQUIRE(minus);
        CHECK(z->utcUs == 1625386830LL * 1000000);
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

    TEST_CASE("refuses what is not an instant") {
        for (const char* bad : {"", "2021-07-04", "2021-07-04T10:20:30", "2021-07-04T10:20Z", "2021-02-29T00:00:00Z",
                                "2021-04-31T00:00:00Z", "2021-13-01T00:00:00Z", "2021-07-04T24:00:00Z",
                                "2021-07-04T10:20:60Z", "2021-07-04T10:20:30+2:00", "2021-07-04T10:20:30+24:00",
                                "2021-07-04T10:20:30.Z", "2021-07-04T10:20:30Zjunk", "2021/07/04T10:20:30Z",
                                "yesterday", "2021-07-04T10:20:30+02:00 "}) {
            CHECK_MESSAGE(!parseRfc3339(bad), bad);
        }
    }

    TEST_CASE("formats UTC and months") {
        CHECK(formatRfc3339Utc(1625386830LL * 1000000) == "2021-07-04T08:20:30Z");
        CHECK(formatRfc3339Utc(1625386830LL * 1000000 + 5000) == "2021-07-04T08:20:30.005Z");
        CHECK(formatRfc3339Utc(1625386830LL * 1000000 + 5) == "2021-07-04T08:20:30.000005Z");
        CHECK(formatRfc3339Utc(-1) == "1969-12-31T23:59:59.999999Z");
        CHECK(utcMonth(1625386830LL * 1000000) == "2021-07");
        for (std::int64_t us : {0LL, 951782400LL * 1000000, 4102444799LL * 1000000 + 999999})
            CHECK(parseRfc3339(formatRfc3339Utc(us))->utcUs == us);
    }
}

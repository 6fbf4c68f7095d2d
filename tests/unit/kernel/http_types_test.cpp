#include "obscura/kernel/http_types.hpp"

#include <doctest/doctest.h>

using namespace obscura;

TEST_SUITE("kernel.http_types") {
    TEST_CASE("query strings decode percent escapes and plus signs, keep order and repeats") {
        auto q = parseQuery("tag=a%20b&tag=c+d&empty=&flag&bad=%zz&&x=%41");
        REQUIRE(q.size() == 6);
        CHECK(q[0] == std::pair<std::string, std::string>{"tag", "a b"});
        CHECK(q[1] == std::pair<std::string, std::string>{"tag", "c d"});
        CHECK(q[2] == std::pair<std::string, std::string>{"empty", ""});
        CHECK(q[3] == std::pair<std::string, std::string>{"flag", ""});
        CHECK(q[4] == std::pair<std::string, std::string>{"bad", "%zz"});
        CHECK(q[5] == std::pair<std::string, std::string>{"x", "A"});
    }

    TEST_CASE("paths decode strictly: malformed escapes and NUL bytes are refused") {
        CHECK(decodePath("/api/a%20b") == std::optional<std::string>("/api/a b"));
        CHECK(decodePath("/a+b") == std::optional<std::string>("/a+b"));
        CHECK_FALSE(decodePath("/a%2").has_value());
        CHECK_FALSE(decodePath("/a%g0").has_value());
        CHECK_FALSE(decodePath("/a%00b").has_value());
    }

    TEST_CASE("headers are case-insensitive and set replaces every copy") {
        Headers h;
        h.add("X-Thing", "1");
        h.add("x-thing", "2");
        CHECK(h.getAll("X-THING").size() == 2);
        h.set("X-Thing", "3");
        CHECK(h.getAll("x-thing").size() == 1);
        CHECK(h.get("x-thing") == std::optional<std::string_view>("3"));
        h.remove("X-THING");
        CHECK_FALSE(h.has("x-thing"));
    }

    TEST_CASE("cookies are found by exact name across several Cookie headers") {
        Request r;
        r.headers.add("Cookie", "a=1; obscura_session=abc; b=\"quoted\"");
        r.headers.add("Cookie", "late=2");
        CHECK(r.cookie("obscura_session") == std::optional<std::string>("abc"));
        CHECK(r.cookie("b") == std::optional<std::string>("quoted"));
        CHECK(r.cookie("late") == std::optional<std::string>("2"));
        CHECK_FALSE(r.cookie("session").has_value());
    }

    TEST_CASE("query parameters are looked up by name") {
        Request r;
        r.queryParams = parseQuery("limit=10&tag=x&tag=y");
        CHECK(r.queryParam("limit") == std::optional<std::string_view>("10"));
        CHECK(r.queryParamAll("tag").size() == 2);
        CHECK_FALSE(r.queryParam("cursor").has_value());
    }
}

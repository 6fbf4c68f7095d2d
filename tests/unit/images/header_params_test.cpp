#include "header_params.hpp"

#include <doctest/doctest.h>

#include "client_file_name.hpp"

using namespace obscura;
using namespace obscura::images;

TEST_SUITE("images.header_params") {
    TEST_CASE("type and parameters are parsed, names lower-cased, values unquoted") {
        auto v = parseHeaderValue("Form-Data; Name=\"a b\"; FILENAME=x.jpg ;  extra = \"q\\\"uote\"");
        REQUIRE_MESSAGE(v.ok(), v.error().message);
        CHECK(v->type == "form-data");
        CHECK(v->param("name") == "a b");
        CHECK(v->param("filename") == "x.jpg");
        CHECK(v->param("extra") == "q\"uote");
        CHECK_FALSE(v->param("missing"));
    }

    TEST_CASE("a backslash escapes only special characters") {
        auto v = parseHeaderValue("form-data; filename=\"C:\\dir\\a.jpg\"; b=\"x\\\\y\"");
        REQUIRE(v.ok());
        CHECK(v->param("filename") == "C:\\dir\\a.jpg");
        CHECK(v->param("b") == "x\\y");
    }

    TEST_CASE("malformed values are refused with a reason") {
        struct Case {
            const char* text;
            const char* reason;
        };
        for (Case c : {Case{"", "no type"}, Case{"multipart/", "subtype"}, Case{"a; =x", "without a name"},
                       Case{"a; b", "without a value"}, Case{"a; b=\"x", "unterminated"},
                       Case{"a; b=1; B=2", "repeated"}, Case{"a; b=x\x01y", "invalid character"},
                       Case{"a; b=\"x\x01y\"", "control character"}, Case{"a b", "unexpected character"}}) {
            CAPTURE(c.text);
            auto v = parseHeaderValue(c.text);
            REQUIRE_FALSE(v.ok());
            CHECK(v.error().code == ErrorCode::BadRequest);
            CHECK_MESSAGE(v.error().message.find(c.reason) != std::string::npos, v.error().message);
        }
    }

    TEST_CASE("a trailing semicolon is accepted") {
        auto v = parseHeaderValue("form-data; name=a;");
        REQUIRE(v.ok());
        CHECK(v->param("name") == "a");
    }

    TEST_CASE("RFC 5987 values decode from UTF-8 and ISO-8859-1 and refuse the rest") {
        CHECK(decodeExtValue("UTF-8''%e2%82%ac").value() == "\xE2\x82\xAC");
        CHECK(decodeExtValue("utf-8'de'Stra%C3%9Fe").value() ==
              "Stra\xC3\x9F"
              "e");
        CHECK(decodeExtValue("ISO-8859-1''%A3").value() == "\xC2\xA3");
        CHECK_FALSE(decodeExtValue("UTF-8'%e2").ok());     // one quote only
        CHECK_FALSE(decodeExtValue("UTF-16''%00a").ok());  // charset
        CHECK_FALSE(decodeExtValue("UTF-8''%zz").ok());    // not hex
        CHECK_FALSE(decodeExtValue("UTF-8''%4").ok());     // short escape
        CHECK_FALSE(decodeExtValue("UTF-8''a b").ok());    // a space must be escaped
    }
}

TEST_SUITE("images.client_file_name") {
    TEST_CASE("client file names keep only their last path component") {
        CHECK(sanitizeClientFileName("/home/me/a.jpg") == "a.jpg");
        CHECK(sanitizeClientFileName("dir\\b.jpg") == "b.jpg");
        CHECK(sanitizeClientFileName("trailing/") == "");
        CHECK(sanitizeClientFileName("..") == "..");  // metadata only: never joined to a path
    }
}

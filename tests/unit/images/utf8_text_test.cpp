// Untrusted text from uploads: UTF-8 repair and client file names.
#include "utf8_text.hpp"

#include <doctest/doctest.h>

#include "obscura/formats/client_file_name.hpp"

using namespace obscura::images;
using obscura::formats::sanitizeClientFileName;

TEST_SUITE("images.utf8_text") {
    TEST_CASE("valid UTF-8 passes unchanged") {
        std::string s = "Zoë 東京 \xF0\x9F\x93\xB7";
        CHECK(cleanUtf8Text(s, 100) == s);
    }

    TEST_CASE("ill-formed sequences become U+FFFD") {
        const std::string r = "\xEF\xBF\xBD";
        CHECK(cleanUtf8Text("a\xC0\xAF"
                            "b",
                            100) == "a" + r + r + "b");                  // overlong '/'
        CHECK(cleanUtf8Text("\xED\xA0\x80", 100) == r + r + r);          // surrogate
        CHECK(cleanUtf8Text("\xF4\x90\x80\x80", 100) == r + r + r + r);  // above U+10FFFF
        CHECK(cleanUtf8Text("\xE2\x82", 100) == r + r);                  // truncated
    }

    TEST_CASE("control characters are dropped, C1 included") {
        CHECK(cleanUtf8Text(std::string("a\0b\r\nc\x7F"
                                        "d\xC2\x85"
                                        "e",
                                        11),
                            100) == "abcde");
    }

    TEST_CASE("the length bound never splits a character") {
        CHECK(cleanUtf8Text("ab\xE2\x82\xAC", 4) == "ab");
        CHECK(cleanUtf8Text("ab\xE2\x82\xAC", 5) == "ab\xE2\x82\xAC");
    }

    TEST_CASE("client file names keep only their last path component") {
        CHECK(sanitizeClientFileName("/home/me/a.jpg") == "a.jpg");
        CHECK(sanitizeClientFileName("dir\\b.jpg") == "b.jpg");
        CHECK(sanitizeClientFileName("trailing/") == "");
        CHECK(sanitizeClientFileName("..") == "..");  // metadata only: never joined to a path
    }
}

#include "obscura/base/utf8.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace obscura;

TEST_SUITE("base.utf8") {
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

    TEST_CASE("well-formed means RFC 3629: no overlongs, surrogates or code points past U+10FFFF") {
        CHECK(isValidUtf8(""));
        CHECK(isValidUtf8("plain ASCII"));
        CHECK(isValidUtf8("Zo\xC3\xAB \xE6\x9D\xB1 \xF0\x9F\x93\xB7"));
        CHECK(isValidUtf8("\xF4\x8F\xBF\xBF"));  // U+10FFFF, the last code point
        CHECK(isValidUtf8("\xED\x9F\xBF"));      // U+D7FF, just below the surrogates
        for (const char* bad : {"\xC0\xAF", "\xE0\x80\xAF", "\xF0\x80\x80\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80",
                                "\xF5\x80\x80\x80", "\xFF", "\x80", "\xE2\x82", "a\xC3"}) {
            CAPTURE(bad);
            CHECK_FALSE(isValidUtf8(bad));
        }
    }

    TEST_CASE("sequence lengths") {
        const std::string s = "a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x93\xB7\xFF";
        CHECK(utf8SequenceLength(s, 0) == 1);
        CHECK(utf8SequenceLength(s, 1) == 2);
        CHECK(utf8SequenceLength(s, 3) == 3);
        CHECK(utf8SequenceLength(s, 6) == 4);
        CHECK(utf8SequenceLength(s, 10) == 0);
        CHECK(utf8SequenceLength(s, 2) == 0);  // a continuation byte starts nothing
    }

    TEST_CASE("utf8Length counts code points") {
        CHECK(utf8Length("") == 0);
        CHECK(utf8Length("abc") == 3);
        CHECK(utf8Length("ä€😀") == 3);
    }
}

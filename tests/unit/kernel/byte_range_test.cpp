#include "obscura/kernel/byte_range.hpp"

#include <doctest/doctest.h>

using namespace obscura;
using Kind = ByteRange::Kind;

TEST_SUITE("kernel.byte_range") {
    TEST_CASE("a closed range is served as one part, clipped to the file") {
        auto r = parseByteRange("bytes=0-99", 1000);
        CHECK(r.kind == Kind::Partial);
        CHECK(r.offset == 0);
        CHECK(r.length == 100);
        r = parseByteRange("bytes=900-5000", 1000);
        CHECK(r.kind == Kind::Partial);
        CHECK(r.offset == 900);
        CHECK(r.length == 100);
        r = parseByteRange("bytes=999-999", 1000);
        CHECK(r.kind == Kind::Partial);
        CHECK(r.length == 1);
    }

    TEST_CASE("open-ended and suffix ranges") {
        auto r = parseByteRange("bytes=100-", 1000);
        CHECK(r.kind == Kind::Partial);
        CHECK(r.offset == 100);
        CHECK(r.length == 900);
        r = parseByteRange("bytes=-300", 1000);
        CHECK(r.kind == Kind::Partial);
        CHECK(r.offset == 700);
        CHECK(r.length == 300);
        r = parseByteRange("bytes=-5000", 1000);  // more than the file: all of it, as 206
        CHECK(r.kind == Kind::Partial);
        CHECK(r.offset == 0);
        CHECK(r.length == 1000);
        r = parseByteRange(" BYTES = 5-9 ", 10);  // unit case-insensitive, blanks tolerated
        CHECK(r.kind == Kind::Partial);
        CHECK(r.offset == 5);
    }

    TEST_CASE("a range starting at or past the end is unsatisfiable") {
        CHECK(parseByteRange("bytes=1000-", 1000).kind == Kind::Unsatisfiable);
        CHECK(parseByteRange("bytes=1000-2000", 1000).kind == Kind::Unsatisfiable);
        CHECK(parseByteRange("bytes=-0", 1000).kind == Kind::Unsatisfiable);
    }

    TEST_CASE("what cannot be read, and several ranges, mean the whole file") {
        for (const char* h : {"", "bytes", "bytes=", "bytes=-", "bytes=a-b", "bytes=5-1", "items=0-1", "bytes=+1-2",
                              "bytes=0-1,5-6", "bytes=0x10-", "bytes=99999999999999999999999-"}) {
            CAPTURE(h);
            CHECK(parseByteRange(h, 1000).kind == Kind::Full);
        }
    }
}

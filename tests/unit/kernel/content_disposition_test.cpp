#include "obscura/kernel/content_disposition.hpp"

#include <doctest/doctest.h>

using namespace obscura;

namespace {

// What a header value must never contain: anything that ends it or starts another header.
bool headerSafe(const std::string& v) {
    for (unsigned char c : v)
        if (c < 0x20 || c >= 0x7F) return false;
    return true;
}

}  // namespace

TEST_SUITE("kernel.content_disposition") {
    TEST_CASE("an ASCII name is kept, with its UTF-8 twin") {
        CHECK(attachmentDisposition("IMG_0001.jpg") ==
              "attachment; filename=\"IMG_0001.jpg\"; filename*=UTF-8''IMG_0001.jpg");
    }

    TEST_CASE("quotes, backslashes, percent signs and controls cannot escape the parameter") {
        const std::string v = attachmentDisposition("a\"b\\c%d\r\ne.jpg");
        CHECK(headerSafe(v));
        CHECK(v == "attachment; filename=\"a_b_c_d__e.jpg\"; filename*=UTF-8''a%22b%5Cc%25d%0D%0Ae.jpg");
    }

    TEST_CASE("non-ASCII names: one underscore per character in the fallback, UTF-8 percent-encoded") {
        const std::string v = attachmentDisposition("Café 東京.jpg");
        CHECK(headerSafe(v));
        CHECK(v == "attachment; filename=\"Caf_ __.jpg\"; filename*=UTF-8''Caf%C3%A9%20%E6%9D%B1%E4%BA%AC.jpg");
    }
}

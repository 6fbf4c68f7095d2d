#include "assets/asset_cursor.hpp"

#include <doctest/doctest.h>

using namespace obscura::images;

TEST_SUITE("images.cursor") {
    TEST_CASE("a cursor round-trips and is base64url without padding") {
        const obscura::storage::AssetCursor cursor{-1625386830123456, "3f0c6f4e-0000-4000-8000-00000000000a"};
        const auto text = encodeCursor(cursor);
        CHECK(text.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") ==
              std::string::npos);
        const auto back = decodeCursor(text);
        REQUIRE(back);
        CHECK(back->takenAtUs == cursor.takenAtUs);
        CHECK(back->id == cursor.id);
    }

    TEST_CASE("base64url: every length, and nothing but canonical text decodes") {
        std::string bytes;
        for (int n = 0; n < 20; ++n) {
            const auto text = base64UrlEncode(bytes);
            CHECK(text.find('=') == std::string::npos);
            CHECK(base64UrlDecode(text) == bytes);
            bytes += static_cast<char>(0xf0 + n);
        }
        CHECK_FALSE(base64UrlDecode("QQ=="));  // padding
        CHECK_FALSE(base64UrlDecode("Q"));     // impossible length
        CHECK_FALSE(base64UrlDecode("QR"));    // non-zero leftover bits
        CHECK_FALSE(base64UrlDecode("a+b/"));  // base64, not base64url
    }

    TEST_CASE("anything the server did not make is refused") {
        for (const std::string& bad :
             std::vector<std::string>{"", "abc", base64UrlEncode("a1:12:not-a-uuid"),
                                      base64UrlEncode("a2:12:3f0c6f4e-0000-4000-8000-00000000000a"),
                                      base64UrlEncode("a1::3f0c6f4e-0000-4000-8000-00000000000a"),
                                      base64UrlEncode("a1:1x:3f0c6f4e-0000-4000-8000-00000000000a"),
                                      base64UrlEncode("a1:99999999999999999999:3f0c6f4e-0000-4000-8000-00000000000a"),
                                      std::string(200, 'A')}) {
            CHECK_MESSAGE(!decodeCursor(bad), bad);
        }
    }
}

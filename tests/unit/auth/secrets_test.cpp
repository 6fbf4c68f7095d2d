#include "secrets.hpp"

#include <doctest/doctest.h>

#include <set>

using namespace obscura;
using namespace obscura::auth;

TEST_SUITE("auth.secrets") {
    TEST_CASE("random secrets are 256-bit base64url strings that do not repeat") {
        REQUIRE(initSodium().ok());
        std::set<std::string> seen;
        for (int i = 0; i < 1000; ++i) {
            auto s = randomSecret();
            CHECK(s.size() == 43);
            CHECK(s.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") ==
                  std::string::npos);
            auto raw = decodeBase64Url(s);
            REQUIRE(raw.ok());
            CHECK(raw->size() == 32);
            seen.insert(s);
        }
        CHECK(seen.size() == 1000);
        CHECK(randomSecret(16).size() == 22);
    }

    TEST_CASE("a secret is stored as a 64-hex-digit hash that differs for every secret") {
        const auto a = hashSecret("alpha");
        CHECK(a.size() == 64);
        CHECK(a.find_first_not_of("0123456789abcdef") == std::string::npos);
        CHECK(a == hashSecret("alpha"));
        CHECK(a != hashSecret("alphb"));
        CHECK(a.find("alpha") == std::string::npos);
    }

    TEST_CASE("constant-time comparison and base64 decoding") {
        CHECK(equalInConstantTime("abc", "abc"));
        CHECK(equalInConstantTime("", ""));
        CHECK_FALSE(equalInConstantTime("abc", "abd"));
        CHECK_FALSE(equalInConstantTime("abc", "abcd"));
        CHECK(*decodeBase64("YWxpY2U6c2VjcmV0") == "alice:secret");
        CHECK_FALSE(decodeBase64("YWxpY2U6c2VjcmV0!").ok());
        CHECK_FALSE(decodeBase64Url("a+b/").ok());
    }
}

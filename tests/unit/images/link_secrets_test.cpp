// Share-link secrets: keys carry at least 128 random bits in base64url, the lookup hash is SHA-256, the unlock
// token depends on both the link and its password hash, comparisons need equal lengths.
#include "sharing/link_secrets.hpp"

#include <doctest/doctest.h>

#include <set>

using namespace obscura::images;

TEST_SUITE("images.link_secrets") {
    TEST_CASE("keys are 160 random bits in base64url without padding, never repeating") {
        std::set<std::string> keys;
        for (int i = 0; i < 1000; ++i) {
            const auto key = newLinkKey();
            CHECK(key.size() == 27);  // 20 bytes: ceil(160 / 6) characters, >= 128 bits
            CHECK(key.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") ==
                  std::string::npos);
            keys.insert(key);
        }
        CHECK(keys.size() == 1000);
    }

    TEST_CASE("the lookup hash is the key's SHA-256 in lower-case hex") {
        CHECK(linkKeyHash("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        CHECK(linkKeyHash("abd") != linkKeyHash("abc"));
    }

    TEST_CASE("the unlock token changes with the link and with the password hash") {
        const auto token = unlockToken("link-1", "$argon2id$hash-1");
        CHECK(token == unlockToken("link-1", "$argon2id$hash-1"));
        CHECK(token != unlockToken("link-2", "$argon2id$hash-1"));
        CHECK(token != unlockToken("link-1", "$argon2id$hash-2"));
        CHECK(token.size() == 43);  // HMAC-SHA-256, base64url
    }

    TEST_CASE("secrets compare equal only when identical") {
        CHECK(equalSecrets("same", "same"));
        CHECK_FALSE(equalSecrets("same", "samf"));
        CHECK_FALSE(equalSecrets("same", "sam"));
        CHECK(equalSecrets("", ""));
    }
}

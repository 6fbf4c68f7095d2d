#include "account_rules.hpp"

#include <doctest/doctest.h>

#include <vector>

#include "common_passwords.hpp"

using namespace obscura;
using namespace obscura::auth;

namespace {
bool refusedAs(const Status& s, const std::string& field) {
    return !s.ok() && s.error().code == ErrorCode::Invalid && s.error().message.find(field) != std::string::npos;
}
}  // namespace

TEST_SUITE("auth.rules") {
    TEST_CASE("usernames are 3 to 32 of a-z, 0-9, . _ - in either case, keyed in lower case") {
        for (const std::string& ok :
             std::vector<std::string>{"bob", "alice.smith", "a_b-c.d", "X99", "Alice", std::string(32, 'z')}) {
            INFO(ok);
            CHECK(checkUsername(ok).ok());
        }
        for (const std::string& bad : std::vector<std::string>{"ab", std::string(33, 'z'), "al ice", "al@ice", "ålice",
                                                               "ali\nce", "al/ice", ""}) {
            INFO(bad);
            CHECK(refusedAs(checkUsername(bad), "username"));
        }
        CHECK(usernameKey("Alice.Smith") == "alice.smith");
        CHECK(usernameKey("ALICE") == usernameKey("alice"));
    }

    TEST_CASE("passwords: 8 characters to 1024 bytes, not common, not the username") {
        CHECK(checkPassword("correct horse", "bob").ok());
        CHECK(refusedAs(checkPassword("short12", "bob"), "at least 8"));
        // Characters, not bytes: eight two-byte letters are enough, seven are not.
        CHECK(checkPassword("ääääääää", "bob").ok());
        CHECK(refusedAs(checkPassword("äääääää", "bob"), "at least 8"));
        CHECK(checkPassword(std::string(1024, 'k'), "bob").ok());
        CHECK(refusedAs(checkPassword(std::string(1025, 'k'), "bob"), "1024 bytes"));
        CHECK(refusedAs(checkPassword("password", "bob"), "common"));
        CHECK(refusedAs(checkPassword("Password1", "bob"), "common"));
        CHECK(refusedAs(checkPassword("QWERTYUIOP", "bob"), "common"));
        CHECK(refusedAs(checkPassword("alice.smith", "Alice.Smith"), "username"));
    }

    TEST_CASE("the common-password list is lower case and holds only passwords that are long enough") {
        std::size_t count = 0;
        for (std::size_t i = 0; !commonPasswordAt(i).empty(); ++i, ++count) {
            const auto p = commonPasswordAt(i);
            INFO(p);
            CHECK(p.size() >= kMinPasswordCharacters);
            CHECK(usernameKey(p) == p);
            CHECK(isCommonPassword(p));
        }
        CHECK(count >= 100);
        CHECK_FALSE(isCommonPassword("correct horse battery staple"));
    }

    TEST_CASE("email, display name, bio and API key names are checked for shape and size") {
        CHECK(checkEmail("").ok());
        CHECK(checkEmail("a@example.org").ok());
        for (const char* bad :
             {"a", "@example.org", "a@", "a@b", "a@@b.org", "a b@example.org", "a@example.", "a@.org"}) {
            INFO(bad);
            CHECK(refusedAs(checkEmail(bad), "email"));
        }
        CHECK(refusedAs(checkEmail(std::string(250, 'a') + "@b.org"), "email"));
        CHECK(checkDisplayName("Zoë Ünal").ok());
        CHECK(checkDisplayName(std::string(64, 'n')).ok());
        CHECK(refusedAs(checkDisplayName(std::string(65, 'n')), "displayName"));
        CHECK(refusedAs(checkDisplayName("tab\there"), "displayName"));
        CHECK(checkBio("two\nlines").ok());
        CHECK(refusedAs(checkBio(std::string(501, 'b')), "bio"));
        CHECK(refusedAs(checkBio("bell\x07"), "bio"));
        CHECK(checkApiKeyName("laptop").ok());
        CHECK(refusedAs(checkApiKeyName(""), "name"));
        CHECK(refusedAs(checkApiKeyName(std::string(101, 'k')), "name"));
    }
}

#include "common_passwords.hpp"

#include <algorithm>
#include <cctype>
#include <iterator>
#include <string>

namespace obscura::auth {
namespace {

// Lower-case, each at least 8 bytes (a unit test checks both).
constexpr std::string_view kCommon[] = {
    "00000000",   "1111111111",  "11111111",     "112233445566",  "11223344",    "1234512345",   "123123123",
    "12341234",   "1234554321",  "123456123456", "1234567890",    "123456789",   "12345678910",  "1234567891",
    "12345678",   "1234qwer",    "123654789",    "123abc123",     "123qwe123",   "147258369",    "1q2w3e4r5t",
    "1q2w3e4r",   "1qaz2wsx",    "22222222",     "55555555",      "66666666",    "87654321",     "88888888",
    "987654321",  "99999999",    "a1234567",     "a123456789",    "aa123456",    "abc12345",     "abcd1234",
    "abcdefgh",   "access14",    "admin123",     "administrator", "asdfasdf",    "asdfghjk",     "asdfghjkl",
    "azertyuiop", "baseball",    "basketball",   "batman123",     "blink182",    "charlie1",     "chocolate",
    "computer",   "corvette",    "dragon123",    "elephant",      "football",    "football1",    "freedom1",
    "google123",  "hello123",    "helloworld",   "iloveyou",      "iloveyou1",   "iloveyou2",    "jennifer",
    "jordan23",   "killer123",   "letmein1",     "letmein123",    "liverpool",   "login123",     "lovely123",
    "master123",  "mercedes",    "michael1",     "michelle",      "midnight",    "monkey123",    "mustang1",
    "nicole123",  "obscura123",  "p@ssw0rd",     "p@ssword",      "pass1234",    "passw0rd",     "password",
    "password!",  "password01",  "password1",    "password12",    "password123", "password1234", "pokemon123",
    "princess",   "princess1",   "q1w2e3r4",     "q1w2e3r4t5",    "qazwsxedc",   "qwe123qwe",    "qwer1234",
    "qwerty12",   "qwerty123",   "qwerty1234",   "qwertyui",      "qwertyuiop",  "samantha",     "samsung1",
    "shadow12",   "starwars",    "sunshine",     "sunshine1",     "superman",    "superman1",    "trustno1",
    "welcome1",   "welcome123",  "whatever",     "zaq12wsx",      "zxcvbnm1",    "zxcvbnm123",   "zxcvbnmm",
    "1qazxsw2",   "00000000000", "0123456789",   "12121212",      "123qweasd",   "1a2b3c4d",     "abc123456",
    "asdf1234",   "changeme",
};

}  // namespace

bool isCommonPassword(std::string_view password) {
    if (password.size() > 64) return false;
    std::string lowered(password);
    std::transform(lowered.begin(), lowered.end(), lowered.begin(), [](unsigned char c) { return std::tolower(c); });
    return std::find(std::begin(kCommon), std::end(kCommon), lowered) != std::end(kCommon);
}

std::string_view commonPasswordAt(std::size_t i) { return i < std::size(kCommon) ? kCommon[i] : std::string_view{}; }

}  // namespace obscura::auth

#pragma once
// What a valid account looks like. Every check answers Invalid (422) with a message naming the field.
#include <string>
#include <string_view>

#include "obscura/base/expected.hpp"

namespace obscura::auth {

inline constexpr std::size_t kMinUsernameLength = 3;
inline constexpr std::size_t kMaxUsernameLength = 32;
inline constexpr std::size_t kMinPasswordCharacters = 8;
inline constexpr std::size_t kMaxEmailBytes = 254;
inline constexpr std::size_t kMaxDisplayNameCharacters = 64;
inline constexpr std::size_t kMaxBioCharacters = 500;
inline constexpr std::size_t kMaxApiKeyNameCharacters = 100;

// The key usernames are unique by and looked up with: ASCII lower case. Usernames are ASCII only, so
// lower-casing is the whole of case-insensitivity (no Unicode folding ambiguities).
std::string usernameKey(std::string_view username);

// 3-32 characters of a-z, 0-9, '.', '_', '-' (either case: "Alice" is kept as typed and is the same
// account as "alice").
Status checkUsername(std::string_view username);
// 8 characters (UTF-8 code points) to 1024 bytes, not on the common-password list, not the username.
Status checkPassword(std::string_view password, std::string_view username);
// "" or one '@' between a non-empty local part and a dotted domain; at most 254 bytes, no spaces.
Status checkEmail(std::string_view email);
Status checkDisplayName(std::string_view name);
Status checkBio(std::string_view bio);
Status checkApiKeyName(std::string_view name);

}  // namespace obscura::auth

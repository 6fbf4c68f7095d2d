#include "account_rules.hpp"

#include <algorithm>
#include <cctype>

#include "common_passwords.hpp"
#include "obscura/base/utf8.hpp"
#include "password_hasher.hpp"

namespace obscura::auth {
namespace {

bool hasControlCharacter(std::string_view s, bool allowNewlines) {
    return std::any_of(s.begin(), s.end(), [&](char c) {
        const auto u = static_cast<unsigned char>(c);
        if (allowNewlines && (c == '\n' || c == '\r' || c == '\t')) return false;
        return u < 0x20 || u == 0x7f;
    });
}

Status checkText(std::string_view text, std::string_view field, std::size_t maxCharacters, bool multiline) {
    if (utf8Length(text) > maxCharacters) {
        return invalid(std::string(field) + " is longer than " + std::to_string(maxCharacters) + " characters");
    }
    if (hasControlCharacter(text, multiline)) return invalid(std::string(field) + " contains a control character");
    return {};
}

}  // namespace

std::string usernameKey(std::string_view username) {
    std::string key(username);
    std::transform(key.begin(), key.end(), key.begin(), [](unsigned char c) { return std::tolower(c); });
    return key;
}

Status checkUsername(std::string_view username) {
    if (username.size() < kMinUsernameLength || username.size() > kMaxUsernameLength) {
        return invalid("username must be " + std::to_string(kMinUsernameLength) + " to " +
                       std::to_string(kMaxUsernameLength) + " characters");
    }
    const bool allowed = std::all_of(username.begin(), username.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return std::isalnum(u) != 0 || c == '.' || c == '_' || c == '-';
    });
    if (!allowed) return invalid("username may contain only letters a-z, digits and . _ -");
    return {};
}

Status checkPassword(std::string_view password, std::string_view username) {
    if (password.size() > kMaxPasswordBytes) {
        return invalid("password is longer than " + std::to_string(kMaxPasswordBytes) + " bytes");
    }
    if (utf8Length(password) < kMinPasswordCharacters) {
        return invalid("password must be at least " + std::to_string(kMinPasswordCharacters) + " characters");
    }
    if (isCommonPassword(password)) return invalid("password is too common; choose another");
    if (!username.empty() && usernameKey(password) == usernameKey(username)) {
        return invalid("password must not be the username");
    }
    return {};
}

Status checkEmail(std::string_view email) {
    if (email.empty()) return {};
    if (email.size() > kMaxEmailBytes)
        return invalid("email is longer than " + std::to_string(kMaxEmailBytes) + " bytes");
    const auto at = email.find('@');
    const bool oneAt = at != std::string_view::npos && email.find('@', at + 1) == std::string_view::npos;
    const bool noSpace = std::none_of(email.begin(), email.end(), [](char c) {
        return std::isspace(static_cast<unsigned char>(c)) != 0 || static_cast<unsigned char>(c) < 0x20;
    });
    if (!oneAt || at == 0 || !noSpace) return invalid("email is not an e-mail address");
    const auto domain = email.substr(at + 1);
    const auto dot = domain.find('.');
    if (domain.empty() || dot == std::string_view::npos || dot == 0 || domain.back() == '.') {
        return invalid("email is not an e-mail address");
    }
    return {};
}

Status checkDisplayName(std::string_view name) {
    return checkText(name, "displayName", kMaxDisplayNameCharacters, false);
}

Status checkBio(std::string_view bio) { return checkText(bio, "bio", kMaxBioCharacters, true); }

Status checkApiKeyName(std::string_view name) {
    if (name.empty()) return invalid("name must not be empty");
    return checkText(name, "name", kMaxApiKeyNameCharacters, false);
}

}  // namespace obscura::auth

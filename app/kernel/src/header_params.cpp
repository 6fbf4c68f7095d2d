#include "obscura/kernel/header_params.hpp"

#include <algorithm>

namespace obscura {
namespace {

bool isTokenChar(unsigned char c) {
    if (c >= '0' && c <= '9') return true;
    if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') return true;
    return std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
}

// RFC 2045 tspecials: the characters a backslash may escape inside a quoted string.
bool isSpecial(unsigned char c) {
    return std::string_view("()<>@,;:\\\"/[]?=").find(static_cast<char>(c)) != std::string_view::npos;
}

bool isControl(unsigned char c) { return (c < 0x20 && c != '\t') || c == 0x7f; }

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c); });
    return out;
}

void skipSpace(std::string_view& s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
}

std::string_view takeToken(std::string_view& s) {
    std::size_t n = 0;
    while (n < s.size() && isTokenChar(static_cast<unsigned char>(s[n]))) ++n;
    auto tok = s.substr(0, n);
    s.remove_prefix(n);
    return tok;
}

Expected<std::string> takeQuoted(std::string_view& s) {
    std::string out;
    for (std::size_t i = 1; i < s.size(); ++i) {
        auto c = static_cast<unsigned char>(s[i]);
        if (c == '"') {
            s.remove_prefix(i + 1);
            return out;
        }
        if (isControl(c)) return badRequest("control character in a quoted header parameter");
        if (c == '\\' && i + 1 < s.size() && isSpecial(static_cast<unsigned char>(s[i + 1]))) {
            out.push_back(s[++i]);
            continue;
        }
        out.push_back(static_cast<char>(c));
    }
    return badRequest("unterminated quoted string in a header parameter");
}

// Unquoted values are read up to the next ';' or blank rather than as a strict token: real clients send
// unquoted boundaries such as `----=_Part_1`, which the boundary check validates on its own.
Expected<std::string> takeBareValue(std::string_view& s) {
    std::size_t n = 0;
    while (n < s.size() && s[n] != ';' && s[n] != ' ' && s[n] != '\t') {
        auto c = static_cast<unsigned char>(s[n]);
        if (isControl(c) || c == '"' || c >= 0x80) return badRequest("invalid character in a header parameter value");
        ++n;
    }
    std::string out(s.substr(0, n));
    s.remove_prefix(n);
    return out;
}

int hexValue(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

}  // namespace

std::optional<std::string_view> HeaderValue::param(std::string_view lowerName) const {
    for (const auto& [k, v] : params) {
        if (k == lowerName) return std::string_view(v);
    }
    return std::nullopt;
}

Expected<HeaderValue> parseHeaderValue(std::string_view s) {
    HeaderValue out;
    skipSpace(s);
    // The type may contain one '/' (media types) or none (dispositions).
    std::string_view rest = s;
    auto major = takeToken(rest);
    if (major.empty()) return badRequest("header value has no type");
    std::size_t typeLen = major.size();
    if (!rest.empty() && rest.front() == '/') {
        rest.remove_prefix(1);
        auto minor = takeToken(rest);
        if (minor.empty()) return badRequest("media type without a subtype");
        typeLen += 1 + minor.size();
    }
    out.type = lower(s.substr(0, typeLen));
    s = rest;
    for (;;) {
        skipSpace(s);
        if (s.empty()) break;
        if (s.front() != ';') return badRequest("unexpected character after a header parameter");
        s.remove_prefix(1);
        skipSpace(s);
        if (s.empty()) break;  // a trailing ';' is common and harmless
        auto name = takeToken(s);
        if (name.empty()) return badRequest("header parameter without a name");
        skipSpace(s);
        if (s.empty() || s.front() != '=') return badRequest("header parameter without a value");
        s.remove_prefix(1);
        skipSpace(s);
        std::string value;
        if (!s.empty() && s.front() == '"') {
            OBSCURA_TRY(v, takeQuoted(s));
            value = std::move(v);
        } else {
            OBSCURA_TRY(v, takeBareValue(s));
            value = std::move(v);
        }
        std::string key = lower(name);
        if (out.param(key)) return badRequest("header parameter '" + key + "' is repeated");
        out.params.emplace_back(std::move(key), std::move(value));
    }
    return out;
}

Expected<std::string> decodeExtValue(std::string_view text) {
    auto q1 = text.find('\'');
    auto q2 = q1 == std::string_view::npos ? q1 : text.find('\'', q1 + 1);
    if (q2 == std::string_view::npos) return badRequest("extended parameter value lacks charset'language' prefix");
    std::string charset = lower(text.substr(0, q1));
    bool latin1 = charset == "iso-8859-1";
    if (charset != "utf-8" && !latin1)
        return badRequest("extended parameter charset '" + charset + "' is not supported");
    std::string_view pct = text.substr(q2 + 1);
    std::string bytes;
    bytes.reserve(pct.size());
    for (std::size_t i = 0; i < pct.size(); ++i) {
        if (pct[i] != '%') {
            if (!isTokenChar(static_cast<unsigned char>(pct[i])))
                return badRequest("invalid character in an extended parameter value");
            bytes.push_back(pct[i]);
            continue;
        }
        int hi = i + 2 < pct.size() ? hexValue(pct[i + 1]) : -1;
        int lo = i + 2 < pct.size() ? hexValue(pct[i + 2]) : -1;
        if (hi < 0 || lo < 0) return badRequest("bad percent escape in an extended parameter value");
        bytes.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
    }
    if (!latin1) return bytes;
    std::string utf8;
    for (unsigned char c : bytes) {
        if (c < 0x80) {
            utf8.push_back(static_cast<char>(c));
        } else {
            utf8.push_back(static_cast<char>(0xC0 | (c >> 6)));
            utf8.push_back(static_cast<char>(0x80 | (c & 0x3F)));
        }
    }
    return utf8;
}

}  // namespace obscura

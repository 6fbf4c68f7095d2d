#include "obscura/base/json_text.hpp"

#include <charconv>
#include <cmath>

#include "obscura/base/utf8.hpp"

namespace obscura {

void appendJsonString(std::string& out, std::string_view text) {
    static constexpr char kHex[] = "0123456789abcdef";
    out += '"';
    // Runs of printable ASCII (nearly all of an asset listing's 84 KB) are appended whole: a character at a time,
    // the listing's JSON cost more than reading its rows.
    std::size_t run = 0;
    std::size_t i = 0;
    const auto flush = [&] { out.append(text.data() + run, i - run); };
    while (i < text.size()) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c >= 0x20 && c < 0x7F && c != '"' && c != '\\') {
            ++i;
            continue;
        }
        flush();
        if (c >= 0x80) {
            const std::size_t n = utf8SequenceLength(text, i);
            if (n == 0) {
                out += kUtf8Replacement;
                ++i;
            } else {
                out.append(text.substr(i, n));
                i += n;
            }
            run = i;
            continue;
        }
        switch (c) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                out += "\\r";
                break;
            case '\t':
                out += "\\t";
                break;
            case '\b':
                out += "\\b";
                break;
            case '\f':
                out += "\\f";
                break;
            default:  // the other controls and DEL
                out += "\\u00";
                out += kHex[c >> 4];
                out += kHex[c & 15];
        }
        run = ++i;
    }
    flush();
    out += '"';
}

void appendJsonNumber(std::string& out, double value) {
    if (!std::isfinite(value)) {
        out += "null";
        return;
    }
    char buffer[32];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
    out.append(buffer, result.ptr);
}

void appendJsonNumber(std::string& out, std::int64_t value) {
    char buffer[24];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
    out.append(buffer, result.ptr);
}

namespace detail {

std::size_t skipJsonSpace(std::string_view text, std::size_t pos) {
    while (pos < text.size() && (text[pos] == ' ' || text[pos] == '\t' || text[pos] == '\n' || text[pos] == '\r'))
        ++pos;
    return pos;
}

std::size_t skipJsonValue(std::string_view text, std::size_t pos) {
    if (pos >= text.size()) return std::string_view::npos;
    const char c = text[pos];
    if (c == '"') {
        for (std::size_t i = pos + 1; i < text.size(); ++i) {
            if (text[i] == '\\') {
                ++i;
            } else if (text[i] == '"') {
                return i + 1;
            }
        }
        return std::string_view::npos;
    }
    if (c == '{' || c == '[') {
        int depth = 0;
        for (std::size_t i = pos; i < text.size(); ++i) {
            const char d = text[i];
            if (d == '"') {
                const std::size_t end = skipJsonValue(text, i);
                if (end == std::string_view::npos) return end;
                i = end - 1;
            } else if (d == '{' || d == '[') {
                ++depth;
            } else if (d == '}' || d == ']') {
                if (--depth == 0) return i + 1;
            }
        }
        return std::string_view::npos;
    }
    // A number or a literal: up to the next delimiter.
    std::size_t i = pos;
    while (i < text.size() && text[i] != ',' && text[i] != '}' && text[i] != ']' && text[i] != ' ' && text[i] != '\n' &&
           text[i] != '\t' && text[i] != '\r')
        ++i;
    return i == pos ? std::string_view::npos : i;
}

}  // namespace detail

}  // namespace obscura

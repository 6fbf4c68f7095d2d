#include "obscura/base/json_text.hpp"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>

#include "obscura/base/utf8.hpp"

namespace obscura {

namespace {

// Whether any of the 8 bytes at p is one writeJsonString must look at: a control (< 0x20), '"', '\\', DEL or a
// byte >= 0x80. Word-at-a-time tests (exact as to whether such a byte exists, not which one it is).
bool hasSpecialByte(const char* p) {
    constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
    constexpr std::uint64_t kHigh = 0x8080808080808080ULL;
    std::uint64_t x = 0;
    std::memcpy(&x, p, 8);
    const auto hasZero = [](std::uint64_t v) { return (v - kOnes) & ~v & kHigh; };
    const std::uint64_t below = (x - kOnes * 0x20) & ~x & kHigh;  // a byte < 0x20
    return (below | (x & kHigh) | hasZero(x ^ (kOnes * '"')) | hasZero(x ^ (kOnes * '\\')) |
            hasZero(x ^ (kOnes * 0x7F))) != 0;
}

}  // namespace

char* writeJsonString(char* out, std::string_view text) {
    static constexpr char kHex[] = "0123456789abcdef";
    *out++ = '"';
    // Runs of printable ASCII (nearly all of an asset listing's 84 KB) are copied whole.
    const char* const begin = text.data();
    const char* const end = begin + text.size();
    const char* run = begin;
    const char* s = begin;
    const auto flush = [&] {
        if (s == run) return;  // also keeps a null data() of empty text away from memcpy
        std::memcpy(out, run, static_cast<std::size_t>(s - run));
        out += s - run;
    };
    const auto put = [&](std::string_view bytes) {
        std::memcpy(out, bytes.data(), bytes.size());
        out += bytes.size();
    };
    while (s < end) {
        // Eight plain bytes at a time while there are eight (the scan was most of this function's time).
        if (end - s >= 8 && !hasSpecialByte(s)) {
            s += 8;
            continue;
        }
        const auto c = static_cast<unsigned char>(*s);
        if (c >= 0x20 && c < 0x7F && c != '"' && c != '\\') {
            ++s;
            continue;
        }
        flush();
        if (c >= 0x80) {
            const std::size_t n = utf8SequenceLength(text, static_cast<std::size_t>(s - begin));
            if (n == 0) {
                put(kUtf8Replacement);  // 3 bytes for 1: within the bound
                ++s;
            } else {
                put({s, n});
                s += n;
            }
            run = s;
            continue;
        }
        switch (c) {
            case '"':
                put("\\\"");
                break;
            case '\\':
                put("\\\\");
                break;
            case '\n':
                put("\\n");
                break;
            case '\r':
                put("\\r");
                break;
            case '\t':
                put("\\t");
                break;
            case '\b':
                put("\\b");
                break;
            case '\f':
                put("\\f");
                break;
            default:  // the other controls and DEL
                put("\\u00");
                *out++ = kHex[c >> 4];
                *out++ = kHex[c & 15];
        }
        run = ++s;
    }
    flush();
    *out++ = '"';
    return out;
}

char* writeJsonNumber(char* out, double value) {
    if (!std::isfinite(value)) {
        std::memcpy(out, "null", 4);
        return out + 4;
    }
    return std::to_chars(out, out + kJsonNumberBound, value).ptr;
}

char* writeJsonNumber(char* out, std::int64_t value) { return std::to_chars(out, out + kJsonNumberBound, value).ptr; }

namespace {

// Runs write(p) on room for `bound` more bytes at the end of out, then trims out to what it wrote.
template <typename Write>
void appendWritten(std::string& out, std::size_t bound, Write&& write) {
    const std::size_t size = out.size();
    out.resize(size + bound);
    char* const end = write(out.data() + size);
    out.resize(static_cast<std::size_t>(end - out.data()));
}

}  // namespace

void appendJsonString(std::string& out, std::string_view text) {
    appendWritten(out, jsonStringBound(text.size()), [&](char* p) { return writeJsonString(p, text); });
}

void appendJsonNumber(std::string& out, double value) {
    appendWritten(out, kJsonNumberBound, [&](char* p) { return writeJsonNumber(p, value); });
}

void appendJsonNumber(std::string& out, std::int64_t value) {
    appendWritten(out, kJsonNumberBound, [&](char* p) { return writeJsonNumber(p, value); });
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

#include "assets/asset_cursor.hpp"

#include <charconv>

#include "obscura/base/ids.hpp"

namespace obscura::images {

namespace {

constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
// A version prefix, so the shape can change later without old cursors being misread.
constexpr std::string_view kPrefix = "a1:";

int sextet(char c) {
    const auto pos = kAlphabet.find(c);
    return pos == std::string_view::npos ? -1 : static_cast<int>(pos);
}

}  // namespace

std::string base64UrlEncode(std::string_view bytes) {
    std::string out;
    std::uint32_t buffer = 0;
    int bits = 0;
    for (const char c : bytes) {
        buffer = (buffer << 8) | static_cast<unsigned char>(c);
        bits += 8;
        while (bits >= 6) {
            bits -= 6;
            out += kAlphabet[(buffer >> bits) & 0x3f];
        }
    }
    if (bits > 0) out += kAlphabet[(buffer << (6 - bits)) & 0x3f];
    return out;
}

std::optional<std::string> base64UrlDecode(std::string_view text) {
    if (text.size() % 4 == 1) return std::nullopt;
    std::string out;
    std::uint32_t buffer = 0;
    int bits = 0;
    for (const char c : text) {
        const int value = sextet(c);
        if (value < 0) return std::nullopt;
        buffer = (buffer << 6) | static_cast<std::uint32_t>(value);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += static_cast<char>((buffer >> bits) & 0xff);
        }
    }
    // Leftover bits must be zero: otherwise two texts would decode to the same bytes.
    if ((buffer & ((1u << bits) - 1)) != 0) return std::nullopt;
    return out;
}

std::string encodeCursor(const storage::AssetCursor& cursor) {
    return base64UrlEncode(std::string(kPrefix) + std::to_string(cursor.takenAtUs) + ":" + cursor.id);
}

std::optional<storage::AssetCursor> decodeCursor(std::string_view text) {
    if (text.empty() || text.size() > 128) return std::nullopt;
    const auto raw = base64UrlDecode(text);
    if (!raw || raw->rfind(kPrefix, 0) != 0) return std::nullopt;
    const std::string_view body = std::string_view(*raw).substr(kPrefix.size());
    const auto colon = body.find(':');
    if (colon == std::string_view::npos || colon == 0) return std::nullopt;
    storage::AssetCursor cursor;
    const auto* first = body.data();
    const auto* last = body.data() + colon;
    const auto [end, ec] = std::from_chars(first, last, cursor.takenAtUs);
    if (ec != std::errc() || end != last) return std::nullopt;
    cursor.id = std::string(body.substr(colon + 1));
    if (!isUuid(cursor.id)) return std::nullopt;
    return cursor;
}

}  // namespace obscura::images

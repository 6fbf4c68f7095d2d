#include "utf8_text.hpp"

#include <algorithm>

namespace obscura::images {
namespace {

// Length of the well-formed UTF-8 sequence at s[i], or 0 if it is not one (overlong forms, surrogates and
// code points above U+10FFFF are not well-formed).
std::size_t sequenceLength(std::string_view s, std::size_t i) {
    auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[i + k]); };
    unsigned char c = b(0);
    if (c < 0x80) return 1;
    std::size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 ? 2 : 0;
    if (len == 0 || c > 0xF4 || i + len > s.size()) return 0;
    for (std::size_t k = 1; k < len; ++k) {
        if ((b(k) & 0xC0) != 0x80) return 0;
    }
    if (c == 0xE0 && b(1) < 0xA0) return 0;   // overlong
    if (c == 0xED && b(1) >= 0xA0) return 0;  // UTF-16 surrogate
    if (c == 0xF0 && b(1) < 0x90) return 0;   // overlong
    if (c == 0xF4 && b(1) >= 0x90) return 0;  // above U+10FFFF
    return len;
}

bool isControl(std::string_view seq) {
    auto c = static_cast<unsigned char>(seq[0]);
    if (seq.size() == 1) return c < 0x20 || c == 0x7F;
    // C1 controls U+0080..U+009F are encoded as C2 80..C2 9F.
    return seq.size() == 2 && c == 0xC2 && static_cast<unsigned char>(seq[1]) < 0xA0;
}

}  // namespace

std::string cleanUtf8Text(std::string_view raw, std::size_t maxBytes) {
    static constexpr std::string_view kReplacement = "\xEF\xBF\xBD";
    std::string out;
    out.reserve(std::min(raw.size(), maxBytes));
    for (std::size_t i = 0; i < raw.size();) {
        std::size_t len = sequenceLength(raw, i);
        std::string_view seq = len == 0 ? kReplacement : raw.substr(i, len);
        i += len == 0 ? 1 : len;
        if (isControl(seq)) continue;
        if (out.size() + seq.size() > maxBytes) break;
        out.append(seq);
    }
    return out;
}

}  // namespace obscura::images

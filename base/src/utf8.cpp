#include "obscura/base/utf8.hpp"

#include <algorithm>

namespace obscura {
namespace {

bool isControl(std::string_view sequence) {
    const auto c = static_cast<unsigned char>(sequence[0]);
    if (sequence.size() == 1) return c < 0x20 || c == 0x7F;
    // C1 controls U+0080..U+009F are encoded as C2 80..C2 9F.
    return sequence.size() == 2 && c == 0xC2 && static_cast<unsigned char>(sequence[1]) < 0xA0;
}

}  // namespace

std::size_t utf8SequenceLength(std::string_view text, std::size_t i) {
    const auto at = [&](std::size_t k) { return static_cast<unsigned char>(text[i + k]); };
    const unsigned char c = at(0);
    if (c < 0x80) return 1;
    // The second byte's range rules out overlongs (E0, F0), surrogates (ED) and code points past U+10FFFF (F4).
    std::size_t length = 0;
    unsigned char low = 0x80, high = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
        length = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
        length = 3;
        if (c == 0xE0) low = 0xA0;
        if (c == 0xED) high = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        length = 4;
        if (c == 0xF0) low = 0x90;
        if (c == 0xF4) high = 0x8F;
    } else {
        return 0;
    }
    if (i + length > text.size()) return 0;
    if (at(1) < low || at(1) > high) return 0;
    for (std::size_t k = 2; k < length; ++k)
        if ((at(k) & 0xC0) != 0x80) return 0;
    return length;
}

bool isValidUtf8(std::string_view text) {
    for (std::size_t i = 0; i < text.size();) {
        const std::size_t length = utf8SequenceLength(text, i);
        if (length == 0) return false;
        i += length;
    }
    return true;
}

std::size_t utf8Length(std::string_view text) {
    return static_cast<std::size_t>(
        std::count_if(text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

std::string cleanUtf8Text(std::string_view raw, std::size_t maxBytes) {
    std::string out;
    out.reserve(std::min(raw.size(), maxBytes));
    for (std::size_t i = 0; i < raw.size();) {
        const std::size_t length = utf8SequenceLength(raw, i);
        const std::string_view sequence = length == 0 ? kUtf8Replacement : raw.substr(i, length);
        i += length == 0 ? 1 : length;
        if (isControl(sequence)) continue;
        if (out.size() + sequence.size() > maxBytes) break;
        out.append(sequence);
    }
    return out;
}

}  // namespace obscura

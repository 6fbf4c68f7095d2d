#pragma once
// UTF-8 as the server checks it: well-formed means no overlong forms, no UTF-16 surrogates and nothing above
// U+10FFFF (RFC 3629) — what JSON may carry and what the text rules expect.
#include <cstddef>
#include <string>
#include <string_view>

namespace obscura {

// U+FFFD REPLACEMENT CHARACTER, what a byte that starts no well-formed sequence becomes.
inline constexpr std::string_view kUtf8Replacement = "\xEF\xBF\xBD";

// Length of the well-formed sequence starting at text[i] (1 for ASCII), or 0 when none starts there. i < size.
std::size_t utf8SequenceLength(std::string_view text, std::size_t i);

// True when the whole text is well-formed.
bool isValidUtf8(std::string_view text);

// Number of code points (bytes that are not continuation bytes): a length limit as people count characters.
std::size_t utf8Length(std::string_view text);

// Makes untrusted bytes (client file names, EXIF ASCII fields, ffprobe tags) safe to store and to put in JSON:
// bytes that are not well-formed become U+FFFD (JSON encoders reject them outright), C0/C1 control characters
// and DEL are dropped, and the result is cut to maxBytes on a character boundary.
std::string cleanUtf8Text(std::string_view raw, std::size_t maxBytes);

}  // namespace obscura

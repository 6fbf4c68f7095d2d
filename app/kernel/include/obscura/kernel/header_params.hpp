#pragma once
// Structured MIME header values (`type; key=value; key="quoted value"`) as used by Content-Type and
// Content-Disposition, and RFC 5987 extended values (`UTF-8''%e2%82%ac`). Beast-free so the multipart
// parser, its fuzzer and its tests share it.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "obscura/base/expected.hpp"

namespace obscura {

struct HeaderValue {
    std::string type;  // lower-cased: "multipart/form-data", "form-data"
    // Names lower-cased, values unquoted and unescaped, in the order sent. Each name appears once.
    std::vector<std::pair<std::string, std::string>> params;

    std::optional<std::string_view> param(std::string_view lowerName) const;
};

// Parses `type *( ";" name "=" (token / quoted-string) )`. Strict where ambiguity could be abused: a
// repeated parameter name, an unterminated quote or a control character is an error (BadRequest).
// A backslash escapes only a special character, so an unescaped Windows path (`C:\dir\a.jpg`, as old
// browsers send it) keeps its backslashes.
Expected<HeaderValue> parseHeaderValue(std::string_view text);

// Decodes an RFC 5987 ext-value (`charset'[language]'pct-encoded`) to UTF-8. UTF-8 and ISO-8859-1 are the
// charsets RFC 5987 requires; anything else, or a bad percent escape, is an error.
Expected<std::string> decodeExtValue(std::string_view text);

}  // namespace obscura

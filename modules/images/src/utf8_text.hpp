#pragma once
#include <cstddef>
#include <string>
#include <string_view>

namespace obscura::images {

// Makes untrusted bytes (client file names, EXIF ASCII fields) safe to store and to put in JSON: invalid
// UTF-8 becomes U+FFFD (JSON encoders reject it outright), C0/C1 control characters and DEL are dropped, and
// the result is cut to maxBytes on a character boundary.
std::string cleanUtf8Text(std::string_view raw, std::size_t maxBytes);

}  // namespace obscura::images

#pragma once
#include <string>
#include <string_view>

namespace obscura::formats {

// The part of a client's file name we keep as asset metadata (originalFileName). It never becomes part of
// a path, but it is shown in the UI, sent in JSON and echoed in Content-Disposition, so it must be clean
// text: invalid UTF-8 becomes U+FFFD (JSON encoders reject it), control characters are dropped, only the
// last path component is kept (old browsers send `C:\Users\me\a.jpg`; the client's folders are not ours to
// record) and the result is cut to kMaxClientFileNameBytes on a character boundary.
inline constexpr std::size_t kMaxClientFileNameBytes = 255;
std::string sanitizeClientFileName(std::string_view raw);

}  // namespace obscura::formats

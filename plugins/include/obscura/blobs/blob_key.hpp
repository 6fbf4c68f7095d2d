#pragma once
// Blob keys are the relative paths of DESIGN §4 ("library/<user>/<yyyy>/<mm>/<asset>.<ext>",
// "derived/<user>/<asset>/<kind>.<ext>", "avatars/<user>.webp", …), the same text whether the store is a
// folder or a bucket. Every BlobStore call checks its key here first, so no key can leave the store's root
// however it was built: a local store joins it to the data dir, an S3 store to its prefix.
#include <cstddef>
#include <string>
#include <string_view>

#include "obscura/base/expected.hpp"

namespace obscura::blobs {

inline constexpr std::size_t kMaxKeyLength = 1024;  // S3's own limit on an object key, in bytes

// A key: 1..1024 bytes, relative (no leading '/'), '/'-separated segments that are neither empty, "." nor "..",
// no NUL, no backslash and no other control character (a key is also a file name and a URL path).
inline Status validateKey(std::string_view key) {
    if (key.empty()) return invalid("blob key is empty");
    if (key.size() > kMaxKeyLength) return invalid("blob key is longer than 1024 bytes");
    if (key.front() == '/') return invalid("blob key '" + std::string(key) + "' is absolute");
    std::size_t start = 0;
    while (start <= key.size()) {
        const std::size_t slash = key.find('/', start);
        const std::size_t end = slash == std::string_view::npos ? key.size() : slash;
        const std::string_view segment = key.substr(start, end - start);
        if (segment.empty()) return invalid("blob key '" + std::string(key) + "' has an empty path segment");
        if (segment == "." || segment == "..") {
            return invalid("blob key '" + std::string(key) + "' has a '.' or '..' segment");
        }
        for (const char c : segment) {
            const auto u = static_cast<unsigned char>(c);
            if (u < 0x20 || u == 0x7f || c == '\\') {
                return invalid("blob key has a control character, NUL or backslash");
            }
        }
        if (slash == std::string_view::npos) break;
        start = slash + 1;
    }
    return {};
}

// A prefix for list()/removePrefix(): "" (everything) or a valid key followed by an optional '/'
// ("library/<user>/"). Prefixes match bytes, not segments: "derived/ab" also lists "derived/abc/…".
inline Status validatePrefix(std::string_view prefix) {
    if (prefix.empty()) return {};
    if (prefix.back() == '/') prefix.remove_suffix(1);
    return validateKey(prefix);
}

}  // namespace obscura::blobs

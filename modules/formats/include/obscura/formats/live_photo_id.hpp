#pragma once
// Apple's live-photo content identifier in a still (issue 23). What is read, and nothing else: an XMP property
// whose local name is ContentIdentifier, in any namespace, written as an attribute (`x:ContentIdentifier="…"`) or
// an element (`<x:ContentIdentifier>…</x:ContentIdentifier>`), found in the first kLivePhotoScanBytes of the file
// (JPEG APP1 and HEIF put XMP near the start). The MakerNote form (Apple tag 0x0011) is not read. The video's
// identifier is ffprobe's com.apple.quicktime.content.identifier (video_probe.hpp).
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace obscura::formats {

inline constexpr std::size_t kLivePhotoScanBytes = 256 * 1024;

// The identifier in these bytes: 1–64 characters of [0-9A-Za-z-], upper-cased; nullopt when none or malformed.
std::optional<std::string> findContentIdentifier(std::string_view bytes);
// The same, read from the start of a file; nullopt when the file cannot be read.
std::optional<std::string> readStillContentIdentifier(const std::string& path);

// A content identifier as both sides store it: valid characters only, upper-cased; nullopt otherwise.
std::optional<std::string> normaliseContentIdentifier(std::string_view text);

}  // namespace obscura::formats

#pragma once
// XMP sidecars (DESIGN.md section 12): the `sidecarData` part of POST /api/assets (Immich) and the `.xmp`/`.XMP`
// file beside an original on `obscura import`. Parsed with libexpat, configured for hostile input: a document
// with a DOCTYPE (so any entity declaration — billion laughs, external entities) is refused before a single entity
// is expanded, external entities are never fetched, and the text is bounded (kMaxSidecarBytes).
//
// What is read (values out of range or unparsable are dropped, not clamped):
//   dc:title, dc:description (rdf:Alt: the x-default item, else the first) → title, description
//   dc:subject (rdf:Bag/Seq items)                                        → tags
//   xmp:Rating (-1…5)                                                       → rating
//   exif:DateTimeOriginal, else photoshop:DateCreated, else xmp:CreateDate  → dateTaken
//   exif:GPSLatitude / exif:GPSLongitude ("52,31.2N", "52,31,12N", "52.52") → latitude, longitude
// Simple properties may be elements or attributes of rdf:Description, as XMP allows both.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "obscura/base/expected.hpp"

namespace obscura::formats {

inline constexpr std::size_t kMaxSidecarBytes = 1024 * 1024;

struct XmpSidecar {
    std::optional<std::string> title, description;  // clean UTF-8, at most 2000 bytes
    std::vector<std::string> tags;                  // as written (the caller normalises)
    std::optional<int> rating;
    // RFC 3339 when the sidecar gave an offset (dateTakenHasOffset), else local wall-clock time
    // "YYYY-MM-DDTHH:MM:SS" (the caller decides the zone, as for EXIF without OffsetTimeOriginal).
    std::optional<std::string> dateTaken;
    bool dateTakenHasOffset = false;
    std::optional<double> latitude, longitude;  // both or neither

    bool empty() const;
};

// Invalid (with the reason: "malformed XML at line 3: …", "a DOCTYPE is not allowed in a sidecar (entities are
// refused)", "the sidecar is larger than 1 MiB") when the sidecar must be ignored. Never throws.
Expected<XmpSidecar> parseXmpSidecar(std::string_view xml);

}  // namespace obscura::formats

#pragma once
// EXIF fields for the asset object's exifInfo, parsed with libexif from the raw block that image_header.hpp
// finds in JPEG, PNG, WebP and HEIF files. libexif is the only code here that walks the TIFF structure, and
// it is given a copy of a bounded block, never the file.
#include <optional>
#include <string>
#include <string_view>

namespace obscura::formats {

struct ExifInfo {
    std::optional<std::string> make, model, lens;  // clean UTF-8, trimmed
    std::optional<double> fNumber;
    std::optional<double> exposureTime;           // seconds, e.g. 0.004
    std::optional<std::string> exposureTimeText;  // as cameras show it: "1/250", "2.5"
    std::optional<int> iso;
    std::optional<double> focalLength;          // millimetres
    std::optional<double> latitude, longitude;  // signed decimal degrees (south and west negative)
    std::optional<int> orientation;             // the EXIF Orientation tag, 1–8
    // When the picture was taken, as RFC 3339. With OffsetTimeOriginal (EXIF 2.31) it carries the offset
    // ("2021-07-04T10:20:30+02:00") and dateTimeOriginalHasOffset is true; without, it is the camera's local
    // time with no offset ("2021-07-04T10:20:30") and the flag is false — the caller decides what zone to
    // assume. Sub-seconds are kept when the camera wrote them. DateTimeDigitized (with its own offset) is the
    // fallback when DateTimeOriginal is missing; DateTime (last modification) is never used.
    std::optional<std::string> dateTimeOriginal;
    bool dateTimeOriginalHasOffset = false;

    bool empty() const;
};

// Parses an "Exif\0\0" + TIFF block. Never fails: a corrupt, truncated or hostile block yields whatever
// fields could be read safely (often none); values out of their valid range are dropped, not clamped.
ExifInfo parseExif(std::string_view block);

// The EXIF "YYYY:MM:DD HH:MM:SS" form (plus optional sub-second digits and "+HH:MM" offset) as RFC 3339, or
// nullopt when the text is not a valid date (cameras write "0000:00:00 00:00:00" or blanks when unset).
std::optional<std::string> exifDateToRfc3339(std::string_view dateTime, std::string_view subSeconds,
                                             std::string_view offset, bool* hasOffset);

}  // namespace obscura::formats

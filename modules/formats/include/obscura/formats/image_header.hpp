#pragma once
// Image dimensions and the raw EXIF block, read from the container headers without decoding a pixel:
// JPEG (SOF, APP1), PNG (IHDR, eXIf), GIF (logical screen), WebP (VP8/VP8L/VP8X, EXIF chunk) and HEIF
// (meta box: pitm, ispe, irot/imir, the Exif item via iinf/iloc). Parsing these few fields ourselves keeps
// the upload path free of any codec library touching untrusted files; full decoding happens later, in the
// media module's jobs, under libvips' own limits.
#include <cstdint>
#include <optional>
#include <string>

#include "obscura/base/expected.hpp"
#include "obscura/formats/media_types.hpp"

namespace obscura::formats {

class FileReader;

// The largest EXIF block we read (JPEG's APP1 cannot exceed 64 KiB; other containers could claim more).
inline constexpr std::size_t kMaxExifBytes = 1024 * 1024;

struct ImageHeader {
    std::uint32_t width = 0;  // as coded in the file, before any orientation is applied
    std::uint32_t height = 0;
    // HEIF only: the container's own transform (irot/imir on the primary item) as an EXIF orientation value.
    // HEIF decoders (libheif, so libvips) always apply it and then ignore the EXIF Orientation tag.
    std::optional<int> containerOrientation;
    std::string exif;  // "Exif\0\0" followed by the TIFF structure, or empty when the file carries none
};

// Reads the header of an image that sniffed as `type`. A header that is missing, truncated or points
// outside the file is UnsupportedMediaType; a file without EXIF is not an error.
Expected<ImageHeader> readImageHeader(const std::string& path, const MediaType& type);

// The HEIF part of the above, on an open file (heif_header.cpp).
Expected<ImageHeader> readHeifHeader(const FileReader& file);

// Normalises an EXIF payload found in a container to "Exif\0\0" + TIFF: PNG's eXIf and WebP's EXIF chunk
// hold the TIFF structure directly, though some writers add the "Exif\0\0" prefix anyway.
std::string normaliseExifBlock(std::string payload);

// EXIF orientation 5–8 turn the picture by 90°, so the displayed width is the stored height.
inline bool orientationSwapsAxes(int orientation) { return orientation >= 5 && orientation <= 8; }

}  // namespace obscura::formats

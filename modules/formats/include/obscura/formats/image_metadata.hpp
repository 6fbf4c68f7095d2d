#pragma once
// What the upload handler records about an image: its size and its EXIF fields, read from the stored file's
// headers without decoding pixels.
//
// Width and height in the asset object are the DISPLAYED size — orientation applied — as Immich reports
// them, so a UI can lay out the (oriented) thumbnails before loading them. The coded size is kept beside it.
// Orientation comes from the EXIF tag for JPEG/PNG/WebP; for HEIF it comes from the container's irot/imir,
// because HEIF decoders apply those and ignore the EXIF tag (which exifInfo.orientation still reports as
// written).
//
// EXIF is found in JPEG (APP1), PNG (eXIf), WebP (EXIF chunk) and HEIF (the Exif item). GIF has none, and
// EXIF stored only in XMP or in PNG text chunks is not read: those files simply have an empty exifInfo.
#include <cstdint>
#include <string>

#include "obscura/base/expected.hpp"
#include "obscura/formats/exif_reader.hpp"
#include "obscura/formats/media_types.hpp"

namespace obscura::formats {

struct ImageMetadata {
    std::uint32_t width = 0;  // displayed: after orientation
    std::uint32_t height = 0;
    std::uint32_t storedWidth = 0;  // as coded in the file
    std::uint32_t storedHeight = 0;
    int orientation = 1;       // the orientation in effect for display (EXIF values 1–8)
    bool axesSwapped = false;  // orientation turns the picture by 90°: width == storedHeight
    ExifInfo exif;
};

// Errors are UnsupportedMediaType when the headers are corrupt (see image_header.hpp); unreadable EXIF is
// not an error.
Expected<ImageMetadata> readImageMetadata(const std::string& path, const MediaType& type);

}  // namespace obscura::formats

#pragma once
// Size and EXIF of camera RAW and TIFF files, read with exiv2 (libexif cannot walk the RAW makers' layouts). This
// file's .cpp is the only one that includes exiv2. exiv2 parses untrusted bytes in the upload's process, so every
// call is wrapped: whatever exiv2 throws becomes an error or an empty exifInfo, never an exception out of here.
#include <string>

#include "obscura/base/expected.hpp"
#include "obscura/formats/image_metadata.hpp"

namespace obscura::formats {

// Dimensions are those of the full-resolution image (the IFD marked NewSubfileType 0, else EXIF's
// PixelX/YDimension, else what exiv2 reports), displayed size after the EXIF orientation. A file exiv2 cannot open
// as an image is UnsupportedMediaType; unreadable EXIF leaves exif empty.
Expected<ImageMetadata> readRawOrTiffMetadata(const std::string& path);

}  // namespace obscura::formats

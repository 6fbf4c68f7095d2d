#include "obscura/formats/image_metadata.hpp"

#include "obscura/formats/image_header.hpp"
#include "raw_metadata.hpp"

namespace obscura::formats {

Expected<ImageMetadata> readImageMetadata(const std::string& path, const MediaType& type) {
    // TIFF and the RAW makers' layouts are walked by exiv2, in their own file.
    if (type.cameraRaw || type.name == "tiff") return readRawOrTiffMetadata(path);
    OBSCURA_TRY(header, readImageHeader(path, type));
    ImageMetadata out;
    out.storedWidth = header.width;
    out.storedHeight = header.height;
    if (!header.exif.empty()) out.exif = parseExif(header.exif);
    out.orientation = header.containerOrientation.value_or(out.exif.orientation.value_or(1));
    out.axesSwapped = orientationSwapsAxes(out.orientation);
    out.width = out.axesSwapped ? header.height : header.width;
    out.height = out.axesSwapped ? header.width : header.height;
    return out;
}

}  // namespace obscura::formats

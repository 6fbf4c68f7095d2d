#include "obscura/images/media_types.hpp"

namespace obscura::images {

// TIFF and camera RAW are refused for now (DESIGN.md section 3): RAW files are TIFF inside.
const std::vector<MediaType>& acceptedMediaTypes() {
    static const std::vector<MediaType> kTypes = {
        {"jpeg", AssetType::Image, "image/jpeg", {".jpg", ".jpeg"}},
        {"png", AssetType::Image, "image/png", {".png"}},
        {"webp", AssetType::Image, "image/webp", {".webp"}},
        {"gif", AssetType::Image, "image/gif", {".gif"}},
        {"heic", AssetType::Image, "image/heic", {".heic"}},
        {"heif", AssetType::Image, "image/heif", {".heif"}},
        {"mp4", AssetType::Video, "video/mp4", {".mp4", ".m4v"}},
        {"mov", AssetType::Video, "video/quicktime", {".mov"}},
        {"webm", AssetType::Video, "video/webm", {".webm"}},
        {"mkv", AssetType::Video, "video/x-matroska", {".mkv"}},
    };
    return kTypes;
}

}  // namespace obscura::images

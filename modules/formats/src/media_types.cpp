#include "obscura/formats/media_types.hpp"

namespace obscura::formats {

// TIFF and camera RAW are refused for now (DESIGN.md section 3): RAW files are TIFF inside.
// MP4 and MOV share ffmpeg's ISO-BMFF demuxer ("mov,mp4,m4a,3gp,3g2,mj2", selected as "mov"); WebM and MKV
// share "matroska,webm" (selected as "matroska").
const std::vector<MediaType>& acceptedMediaTypes() {
    static const std::vector<MediaType> kTypes = {
        {"jpeg", AssetType::Image, "image/jpeg", {".jpg", ".jpeg"}},
        {"png", AssetType::Image, "image/png", {".png"}},
        {"webp", AssetType::Image, "image/webp", {".webp"}},
        {"gif", AssetType::Image, "image/gif", {".gif"}},
        {"heic", AssetType::Image, "image/heic", {".heic"}},
        {"heif", AssetType::Image, "image/heif", {".heif"}},
        {"mp4", AssetType::Video, "video/mp4", {".mp4", ".m4v"}, "mov"},
        {"mov", AssetType::Video, "video/quicktime", {".mov"}, "mov"},
        {"webm", AssetType::Video, "video/webm", {".webm"}, "matroska"},
        {"mkv", AssetType::Video, "video/x-matroska", {".mkv"}, "matroska"},
    };
    return kTypes;
}

const MediaType* mediaTypeByName(std::string_view name) {
    for (const auto& t : acceptedMediaTypes()) {
        if (t.name == name) return &t;
    }
    return nullptr;
}

const MediaType* mediaTypeByMime(std::string_view mimeType) {
    for (const auto& t : acceptedMediaTypes()) {
        if (t.mimeType == mimeType) return &t;
    }
    return nullptr;
}

}  // namespace obscura::formats

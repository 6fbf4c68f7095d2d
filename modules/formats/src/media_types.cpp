#include "obscura/formats/media_types.hpp"

namespace obscura::formats {

// Camera RAW and TIFF (DESIGN.md section 12) are images like the others, but no browser shows them: their
// derivatives come from media's RAW path (libraw in a contained child process) or libvips' TIFF loader.
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
        // Plain TIFF and the camera RAW formats, told apart by content (content_sniffer.cpp, raw_sniffer.cpp).
        {"tiff", AssetType::Image, "image/tiff", {".tif", ".tiff"}},
        {"dng", AssetType::Image, "image/x-adobe-dng", {".dng"}, {}, true},
        {"cr2", AssetType::Image, "image/x-canon-cr2", {".cr2"}, {}, true},
        {"cr3", AssetType::Image, "image/x-canon-cr3", {".cr3"}, {}, true},
        {"nef", AssetType::Image, "image/x-nikon-nef", {".nef"}, {}, true},
        {"arw", AssetType::Image, "image/x-sony-arw", {".arw"}, {}, true},
        {"raf", AssetType::Image, "image/x-fuji-raf", {".raf"}, {}, true},
        {"orf", AssetType::Image, "image/x-olympus-orf", {".orf"}, {}, true},
        {"rw2", AssetType::Image, "image/x-panasonic-rw2", {".rw2"}, {}, true},
        {"pef", AssetType::Image, "image/x-pentax-pef", {".pef"}, {}, true},
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

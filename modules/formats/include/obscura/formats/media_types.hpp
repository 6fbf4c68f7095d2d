#pragma once
#include <string_view>
#include <vector>

#include "obscura/base/expected.hpp"

namespace obscura::formats {

enum class AssetType { Image, Video };

// One accepted format: how it is recognised and how it is served. The upload sniffer, the media-types
// endpoint and the served Content-Type all come from this one table. What identifies each format by content
// (signatures, ISO-BMFF brands, EBML DocType) lives in the sniffer (modules/formats/src/content_sniffer.cpp),
// which returns entries of this table and nothing else.
struct MediaType {
    std::string_view name;  // "jpeg"
    AssetType type;
    std::string_view mimeType;                 // "image/jpeg"
    std::vector<std::string_view> extensions;  // ".jpg", ".jpeg"; the first one names stored originals
    // For videos, the ffmpeg demuxer forced when probing or converting (`-f <this>`), so a file that sniffed
    // as MP4 is never handed to another demuxer by ffmpeg's own guessing. Empty for images.
    std::string_view ffmpegDemuxer = {};
    // A camera RAW (DNG, CR2, CR3, NEF, ARW, RAF, ORF, RW2, PEF): decoded by libraw, EXIF read by exiv2.
    bool cameraRaw = false;
};

const std::vector<MediaType>& acceptedMediaTypes();
// The table entry called `name` ("jpeg", "mov"), or nullptr.
const MediaType* mediaTypeByName(std::string_view name);
// The table entry whose mimeType is `mimeType` ("image/jpeg": what an asset row stores), or nullptr.
const MediaType* mediaTypeByMime(std::string_view mimeType);

// What a file is by its content (content_sniffer.cpp). `head` is its first 4 KiB, or all of it when shorter.
// Returns an entry of acceptedMediaTypes(). An empty head is BadRequest ("empty file"); an unaccepted format is
// UnsupportedMediaType, with a message naming what the bytes look like.
Expected<const MediaType*> sniffMediaType(std::string_view head);

}  // namespace obscura::formats

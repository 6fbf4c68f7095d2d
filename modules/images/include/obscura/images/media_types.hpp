#pragma once
#include <string_view>
#include <vector>

namespace obscura::images {

enum class AssetType { Image, Video };

// One accepted format: how it is recognised and how it is served. The upload sniffer, the media-types
// endpoint and the served Content-Type all come from this one table.
struct MediaType {
    std::string_view name;       // "jpeg"
    AssetType type;
    std::string_view mimeType;   // "image/jpeg"
    std::vector<std::string_view> extensions;  // ".jpg", ".jpeg"
};

const std::vector<MediaType>& acceptedMediaTypes();

}  // namespace obscura::images

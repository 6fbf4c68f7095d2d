// The asset object, written straight into a string (json_text.hpp): the listing writes up to 500 of them per
// request, and an nlohmann tree per asset cost more CPU than the database query.
#include "assets/asset_json.hpp"

#include <array>
#include <cstring>
#include <nlohmann/json.hpp>

#include "obscura/base/json_text.hpp"

namespace obscura::images {

namespace {

constexpr std::size_t kExifKeys = std::size(kExifInfoKeys);

void key(std::string& out, const char* name) {
    out += '"';
    out += name;
    out += "\":";
}

void optionalInt(std::string& out, const std::optional<std::int64_t>& value) {
    if (value) {
        appendJsonNumber(out, *value);
    } else {
        out += "null";
    }
}

// exifInfo with every key, from the stored object's scalar members (null where absent or not a scalar).
void exifInfo(std::string& out, const std::string& stored) {
    std::array<std::string_view, kExifKeys> values{};
    forEachJsonMember(stored, [&](std::string_view name, std::string_view value) {
        if (value.empty() || value.front() == '{' || value.front() == '[') return;
        for (std::size_t i = 0; i < kExifKeys; ++i)
            if (name == kExifInfoKeys[i]) values[i] = value;
    });
    out += '{';
    for (std::size_t i = 0; i < kExifKeys; ++i) {
        if (i > 0) out += ',';
        key(out, kExifInfoKeys[i]);
        if (values[i].empty()) {
            out += "null";
        } else {
            out.append(values[i]);  // valid JSON already: the column is checked with json_valid
        }
    }
    out += '}';
}

void derivativeUrl(std::string& out, const storage::AssetRecord& asset, const char* size, std::int64_t version) {
    out += "\"/api/assets/";
    out += asset.id;  // a UUID: nothing to escape
    out += "/thumbnail?size=";
    out += size;
    out += "&v=";
    appendJsonNumber(out, version);
    out += '"';
}

}  // namespace

void appendAssetJson(std::string& out, const storage::AssetRecord& a) {
    out += '{';
    key(out, "id");
    appendJsonString(out, a.id);
    out += ',';
    // Whose asset it is: a listing with partners mixes libraries (DESIGN.md section 7).
    key(out, "ownerId");
    appendJsonString(out, a.ownerId);
    out += ',';
    key(out, "type");
    appendJsonString(out, a.type);
    out += ',';
    key(out, "originalFileName");
    appendJsonString(out, a.originalFileName);
    out += ',';
    key(out, "mimeType");
    appendJsonString(out, a.mimeType);
    out += ',';
    key(out, "sizeBytes");
    appendJsonNumber(out, a.sizeBytes);
    out += ',';
    key(out, "checksum");
    appendJsonString(out, a.checksum);
    out += ',';
    key(out, "width");
    optionalInt(out, a.width);
    out += ',';
    key(out, "height");
    optionalInt(out, a.height);
    if (a.durationSeconds) {
        out += ',';
        key(out, "durationSeconds");
        appendJsonNumber(out, *a.durationSeconds);
    }
    out += ',';
    key(out, "takenAt");
    appendJsonString(out, a.takenAt);
    out += ',';
    key(out, "createdAt");
    appendJsonString(out, a.createdAt);
    out += ',';
    key(out, "title");
    appendJsonString(out, a.title);
    out += ',';
    key(out, "description");
    appendJsonString(out, a.description);
    out += ',';
    key(out, "tags");
    out += '[';
    for (std::size_t i = 0; i < a.tags.size(); ++i) {
        if (i > 0) out += ',';
        appendJsonString(out, a.tags[i]);
    }
    out += "],";
    key(out, "isFavorite");
    out += a.isFavorite ? "true," : "false,";
    key(out, "isArchived");
    out += a.isArchived ? "true," : "false,";
    key(out, "isTrashed");
    out += a.isTrashed ? "true" : "false";
    if (a.isTrashed && a.trashedAt) {
        out += ',';
        key(out, "trashedAt");
        appendJsonString(out, *a.trashedAt);
    }
    out += ',';
    key(out, "livePhotoVideoId");  // Immich's field: the still of a live photo names its (hidden) video
    if (a.livePhotoVideoId) {
        appendJsonString(out, *a.livePhotoVideoId);
    } else {
        out += "null";
    }
    out += ',';
    key(out, "exifInfo");
    exifInfo(out, a.exif);
    out += ',';
    key(out, "derivatives");
    out += '{';
    key(out, "thumbnail");
    appendJsonString(out, a.thumbnail.state);
    out += ',';
    key(out, "preview");
    appendJsonString(out, a.preview.state);
    out += ',';
    key(out, "video");
    appendJsonString(out, a.video.state);
    out += "},";
    key(out, "thumbnailUrl");
    derivativeUrl(out, a, "thumbnail", a.thumbnail.version);
    out += ',';
    key(out, "previewUrl");
    derivativeUrl(out, a, "preview", a.preview.version);
    out += '}';
}

std::string assetObjectJson(const storage::AssetRecord& asset) {
    std::string out;
    out.reserve(1024);
    appendAssetJson(out, asset);
    return out;
}

nlohmann::json assetJson(const storage::AssetRecord& asset) { return nlohmann::json::parse(assetObjectJson(asset)); }

std::string assetPageJson(const storage::AssetPage& page, const std::string& nextCursor) {
    std::string out;
    out.reserve(64 + page.items.size() * 900);
    out += "{\"items\":[";
    for (std::size_t i = 0; i < page.items.size(); ++i) {
        if (i > 0) out += ',';
        appendAssetJson(out, page.items[i]);
    }
    out += "],\"nextCursor\":";
    if (nextCursor.empty()) {
        out += "null";
    } else {
        appendJsonString(out, nextCursor);
    }
    out += '}';
    return out;
}

}  // namespace obscura::images

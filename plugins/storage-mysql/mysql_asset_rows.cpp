#include "mysql_asset_rows.hpp"

#include <cstdio>
#include <nlohmann/json.hpp>

namespace obscura::mysql {

const std::string_view kAssetColumns =
    "a.id, a.owner_id, a.type, a.original_file_name, a.mime_type, a.size_bytes, a.checksum, a.width, a.height,"
    " a.duration_seconds, a.taken_at, a.taken_at_us, a.created_at, a.created_at_us, a.updated_at, a.title,"
    " a.description, a.tags, a.is_favorite, a.is_archived, a.is_trashed, a.trashed_at, a.trashed_at_us, a.exif,"
    " a.storage_path, a.device_asset_id, a.device_id, a.thumbnail_state, a.thumbnail_version, a.preview_state,"
    " a.preview_version, a.video_state, a.video_version, a.derived_bytes, a.file_missing";

namespace {

// Tags live in a column that only this plugin (or an import) writes, as a JSON array of strings.
constexpr std::size_t kMaxTagChars = 255;

std::size_t utf8Length(std::string_view text) {
    std::size_t count = 0;
    for (const char c : text) count += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
    return count;
}

}  // namespace

storage::AssetRecord readAssetRow(const Rows& row) {
    storage::AssetRecord a;
    a.id = row.text(0);
    a.ownerId = row.text(1);
    a.type = row.text(2);
    a.originalFileName = row.text(3);
    a.mimeType = row.text(4);
    a.sizeBytes = row.int64(5);
    a.checksum = row.text(6);
    a.width = row.optionalInt64(7);
    a.height = row.optionalInt64(8);
    a.durationSeconds = row.optionalReal(9);
    a.takenAt = row.text(10);
    a.takenAtUs = row.int64(11);
    a.createdAt = row.text(12);
    a.createdAtUs = row.int64(13);
    a.updatedAt = row.text(14);
    a.title = row.text(15);
    a.description = row.text(16);
    a.tags = parseTagsJson(row.text(17));
    a.isFavorite = row.boolean(18);
    a.isArchived = row.boolean(19);
    a.isTrashed = row.boolean(20);
    a.trashedAt = row.optionalText(21);
    a.trashedAtUs = row.optionalInt64(22);
    a.exif = row.text(23);
    a.storagePath = row.text(24);
    a.deviceAssetId = row.text(25);
    a.deviceId = row.text(26);
    a.thumbnail = {row.text(27), row.int64(28)};
    a.preview = {row.text(29), row.int64(30)};
    a.video = {row.text(31), row.int64(32)};
    a.derivedBytes = row.int64(33);
    a.fileMissing = row.boolean(34);
    return a;
}

std::string tagsJson(const std::vector<std::string>& tags) {
    std::string out = "[";
    for (std::size_t i = 0; i < tags.size(); ++i) {
        if (i > 0) out += ',';
        out += '"';
        for (const char c : tags[i]) {
            if (c == '"' || c == '\\') {
                out += '\\';
                out += c;
            } else if (static_cast<unsigned char>(c) < 0x20) {
                char escaped[8];
                std::snprintf(escaped, sizeof escaped, "\\u%04x", static_cast<unsigned>(c));
                out += escaped;
            } else {
                out += c;
            }
        }
        out += '"';
    }
    return out + "]";
}

std::vector<std::string> parseTagsJson(const std::string& json) {
    std::vector<std::string> tags;
    const auto parsed = nlohmann::json::parse(json, nullptr, false);
    if (!parsed.is_array()) return tags;  // the schema's CHECK keeps anything else out
    for (const auto& tag : parsed) {
        if (tag.is_string()) tags.push_back(tag.get<std::string>());
    }
    return tags;
}

std::optional<std::vector<std::string>> parseTagsJsonStrict(const std::string& json) {
    const auto parsed = nlohmann::json::parse(json, nullptr, false);
    if (!parsed.is_array()) return std::nullopt;
    std::vector<std::string> tags;
    for (const auto& tag : parsed) {
        if (!tag.is_string()) return std::nullopt;
        tags.push_back(tag.get<std::string>());
    }
    return tags;
}

std::string cameraText(const std::string& exifJson) {
    const auto parsed = nlohmann::json::parse(exifJson, nullptr, false);
    if (!parsed.is_object()) return "";
    const auto field = [&](const char* name) -> std::string {
        const auto it = parsed.find(name);
        return it != parsed.end() && it->is_string() ? it->get<std::string>() : "";
    };
    return field("make") + " " + field("model");
}

std::string tagKey(std::string_view tag) {
    std::string key(tag);
    for (char& c : key) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return key;
}

Status validTags(const std::vector<std::string>& tags) {
    for (const auto& tag : tags) {
        if (tag.empty()) return invalid("a tag is empty");
        if (utf8Length(tag) > kMaxTagChars) return invalid("a tag is longer than 255 characters");
        for (const char c : tag)
            if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return invalid("a tag contains a control character");
    }
    return {};
}

Status validAsset(const storage::AssetRecord& asset) {
    if (asset.id.empty() || asset.ownerId.empty()) return invalid("an asset needs an id and an owner");
    if (asset.type != "image" && asset.type != "video") return invalid("asset type must be image or video");
    if (asset.checksum.size() != 40 || asset.checksum.find_first_not_of("0123456789abcdef") != std::string::npos)
        return invalid("asset checksum must be 40 lower-case hex digits");
    if (asset.storagePath.empty()) return invalid("an asset needs a storage path");
    if (asset.isTrashed != (asset.trashedAt.has_value() && asset.trashedAtUs.has_value()))
        return invalid("trashedAt is set exactly when the asset is trashed");
    if (asset.sizeBytes < 0 || asset.derivedBytes < 0) return invalid("asset sizes cannot be negative");
    const auto exif = nlohmann::json::parse(asset.exif.empty() ? "{}" : asset.exif, nullptr, false);
    if (!exif.is_object()) return invalid("exif must be the JSON text of an object");
    return validTags(asset.tags);
}

void bumpLibraryVersion(Connection& connection, const std::string& ownerId) {
    auto stmt = connection.prepare(
        "INSERT INTO library_versions (owner_id, version) VALUES (?, 1) ON DUPLICATE KEY UPDATE version = version + 1");
    stmt.bind(ownerId).update();
}

}  // namespace obscura::mysql

#include "sql_asset_rows.hpp"

#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "obscura/base/utf8.hpp"
#include "sql_dialect.hpp"

namespace obscura::sql {

const std::string_view kAssetColumns =
    "a.id, a.owner_id, a.type, a.original_file_name, a.mime_type, a.size_bytes, a.checksum, a.width, a.height,"
    " a.duration_seconds, a.taken_at, a.taken_at_us, a.created_at, a.created_at_us, a.updated_at, a.title,"
    " a.description, a.tags, a.is_favorite, a.is_archived, a.is_trashed, a.trashed_at, a.trashed_at_us, a.exif,"
    " a.storage_path, a.device_asset_id, a.device_id, a.thumbnail_state, a.thumbnail_version, a.preview_state,"
    " a.preview_version, a.video_state, a.video_version, a.derived_bytes, a.file_missing, a.live_photo_video_id,"
    " a.is_hidden, a.live_content_id, a.live_base_name";

const std::string_view kAssetViewColumns =
    "a.id, a.owner_id, a.type, a.original_file_name, a.mime_type, a.size_bytes, a.checksum, a.width, a.height,"
    " a.duration_seconds, a.taken_at, a.taken_at_us, a.created_at, a.title, a.description, a.tags, a.is_favorite,"
    " a.is_archived, a.is_trashed, a.trashed_at, a.exif, a.thumbnail_state, a.thumbnail_version, a.preview_state,"
    " a.preview_version, a.video_state, a.live_photo_video_id";

namespace {

int hexValue(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// Reads the tags column: a JSON array of strings as tagsJson() writes it (CHECKed to be a JSON array). Parsed
// here rather than with json_each() in the query, which cost a virtual-table scan per listed row. Escapes
// other than tagsJson's own (\", \\, \u00XX) are decoded too, for rows written by other tools.
}  // namespace

std::vector<std::string> parseTags(std::string_view json) {
    std::vector<std::string> tags;
    std::size_t i = json.find('[');
    if (i == std::string_view::npos) return tags;
    while (true) {
        i = json.find_first_of("\"]", i + 1);
        if (i == std::string_view::npos || json[i] == ']') return tags;
        std::string tag;
        for (++i; i < json.size() && json[i] != '"'; ++i) {
            if (json[i] != '\\' || i + 1 >= json.size()) {
                tag += json[i];
                continue;
            }
            const char e = json[++i];
            if (e == 'u' && i + 4 < json.size()) {
                int code = 0;
                for (int k = 1; k <= 4; ++k)
                    code = code * 16 + std::max(0, hexValue(json[i + static_cast<std::size_t>(k)]));
                i += 4;
                if (code < 0x80) {
                    tag += static_cast<char>(code);
                } else if (code < 0x800) {
                    tag += static_cast<char>(0xc0 | (code >> 6));
                    tag += static_cast<char>(0x80 | (code & 0x3f));
                } else {
                    tag += static_cast<char>(0xe0 | (code >> 12));
                    tag += static_cast<char>(0x80 | ((code >> 6) & 0x3f));
                    tag += static_cast<char>(0x80 | (code & 0x3f));
                }
            } else {
                tag += e == 'n' ? '\n' : e == 't' ? '\t' : e == 'r' ? '\r' : e == 'b' ? '\b' : e == 'f' ? '\f' : e;
            }
        }
        tags.push_back(std::move(tag));
    }
}

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
    a.tags = parseTags(row.text(17));
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
    a.livePhotoVideoId = row.optionalText(35);
    a.isHidden = row.boolean(36);
    a.liveContentId = row.optionalText(37);
    a.liveBaseName = row.optionalText(38);
    return a;
}

storage::AssetView readAssetView(const Rows& row, std::vector<std::string>& tags) {
    storage::AssetView a;
    a.id = row.view(0);
    a.ownerId = row.view(1);
    a.type = row.view(2);
    a.originalFileName = row.view(3);
    a.mimeType = row.view(4);
    a.sizeBytes = row.int64(5);
    a.checksum = row.view(6);
    a.width = row.optionalInt64(7);
    a.height = row.optionalInt64(8);
    a.durationSeconds = row.optionalReal(9);
    a.takenAt = row.view(10);
    a.takenAtUs = row.int64(11);
    a.createdAt = row.view(12);
    a.title = row.view(13);
    a.description = row.view(14);
    const std::string_view tagsText = row.view(15);
    if (tagsText == "[]") {
        tags.clear();  // most rows: nothing to parse
    } else {
        tags = parseTags(tagsText);
    }
    a.tags = tags;
    a.isFavorite = row.boolean(16);
    a.isArchived = row.boolean(17);
    a.isTrashed = row.boolean(18);
    a.trashedAt = row.optionalView(19);
    a.exif = row.view(20);
    a.thumbnailState = row.view(21);
    a.thumbnailVersion = row.int64(22);
    a.previewState = row.view(23);
    a.previewVersion = row.int64(24);
    a.videoState = row.view(25);
    a.livePhotoVideoId = row.optionalView(26);
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

std::optional<std::vector<std::string>> parseTagsStrict(const std::string& json) {
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

std::optional<GeoPoint> exifPosition(const std::string& exifJson) {
    if (exifJson.find("latitude") == std::string::npos) return std::nullopt;  // most rows: no parse
    const auto parsed = nlohmann::json::parse(exifJson, nullptr, false);
    if (!parsed.is_object()) return std::nullopt;
    const auto lat = parsed.find("latitude");
    const auto lon = parsed.find("longitude");
    if (lat == parsed.end() || lon == parsed.end() || !lat->is_number() || !lon->is_number()) return std::nullopt;
    const GeoPoint p{lat->get<double>(), lon->get<double>()};
    // Written as !(in range) so that NaN fails too.
    if (!(p.latitude >= -90 && p.latitude <= 90) || !(p.longitude >= -180 && p.longitude <= 180)) return std::nullopt;
    return p;
}

Status validTags(const Dialect& d, const std::vector<std::string>& tags) {
    for (const auto& tag : tags) {
        if (tag.empty()) return invalid("a tag is empty");
        for (const char c : tag)
            if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return invalid("a tag contains a control character");
        if (d.maxTagChars > 0 && utf8Length(tag) > d.maxTagChars)
            return invalid("a tag is longer than " + std::to_string(d.maxTagChars) + " characters");
    }
    return {};
}

Status validAsset(const Dialect& d, const storage::AssetRecord& asset) {
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
    return validTags(d, asset.tags);
}

void addUsage(Session& s, const std::string& ownerId, const UsageDelta& u) {
    const Dialect& d = s.dialect();
    std::string sql =
        "INSERT INTO asset_usage (owner_id, assets, images, videos, live_images, live_videos, bytes_originals,"
        " bytes_derived) VALUES (?, ?, ?, ?, ?, ?, ?, ?)" +
        d.onConflict("owner_id");
    const char* columns[] = {"assets",      "images",          "videos",       "live_images",
                             "live_videos", "bytes_originals", "bytes_derived"};
    for (const char* column : columns) {
        if (column != columns[0]) sql += ", ";
        sql += std::string(column) + " = " + column + " + " + d.inserted(column);
    }
    s.prepare(sql)
        .bind(ownerId, u.assets, u.images, u.videos, u.liveImages, u.liveVideos, u.bytesOriginals, u.bytesDerived)
        .execute();
}

UsageDelta assetUsage(const std::string& type, bool notLive, std::int64_t sizeBytes, std::int64_t derivedBytes,
                      int sign) {
    const bool image = type == "image";
    UsageDelta u;
    u.assets = sign;
    (image ? u.images : u.videos) = sign;
    if (!notLive) (image ? u.liveImages : u.liveVideos) = sign;
    u.bytesOriginals = sign * sizeBytes;
    u.bytesDerived = sign * derivedBytes;
    return u;
}

void bumpLibraryVersion(Session& s, const std::string& ownerId) {
    const Dialect& d = s.dialect();
    s.prepare("INSERT INTO library_versions (owner_id, version) VALUES (?, 1)" + d.onConflict("owner_id") +
              "version = version + 1")
        .bind(ownerId)
        .execute();
}

}  // namespace obscura::sql

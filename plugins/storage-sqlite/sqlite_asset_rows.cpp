#include "sqlite_asset_rows.hpp"

#include <algorithm>
#include <cstdio>

namespace obscura::sqlite {

const std::string_view kAssetColumns =
    "a.id, a.owner_id, a.type, a.original_file_name, a.mime_type, a.size_bytes, a.checksum, a.width, a.height,"
    " a.duration_seconds, a.taken_at, a.taken_at_us, a.created_at, a.created_at_us, a.updated_at, a.title,"
    " a.description, a.tags, a.is_favorite,"
    " a.is_archived, a.is_trashed, a.trashed_at, a.trashed_at_us, a.exif, a.storage_path, a.device_asset_id,"
    " a.device_id, a.thumbnail_state, a.thumbnail_version, a.preview_state, a.preview_version, a.video_state,"
    " a.video_version, a.derived_bytes, a.file_missing";

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
std::vector<std::string> parseTags(const std::string& json) {
    std::vector<std::string> tags;
    std::size_t i = json.find('[');
    if (i == std::string::npos) return tags;
    while (true) {
        i = json.find_first_of("\"]", i + 1);
        if (i == std::string::npos || json[i] == ']') return tags;
        std::string tag;
        for (++i; i < json.size() && json[i] != '"'; ++i) {
            if (json[i] != '\\' || i + 1 >= json.size()) {
                tag += json[i];
                continue;
            }
            const char e = json[++i];
            if (e == 'u' && i + 4 < json.size()) {
                int code = 0;
                for (int k = 1; k <= 4; ++k) code = code * 16 + std::max(0, hexValue(json[i + static_cast<std::size_t>(k)]));
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

}  // namespace

storage::AssetRecord readAssetRow(const Statement& row) {
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
    if (!row.isNull(9)) a.durationSeconds = row.real(9);
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
    if (!row.isNull(21)) a.trashedAt = row.text(21);
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

Status validTags(const std::vector<std::string>& tags) {
    for (const auto& tag : tags) {
        if (tag.empty()) return invalid("a tag is empty");
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
    return validTags(asset.tags);
}

Savepoint::Savepoint(Connection& connection) : connection_(connection), outermost_(!connection.inTransaction()) {
    // Outside a transaction, take the write lock up front: a deferred transaction that must upgrade its read
    // lock fails at once with "database is locked" instead of waiting for the other writer.
    connection_.exec(outermost_ ? "BEGIN IMMEDIATE" : "SAVEPOINT images_write");
}

Savepoint::~Savepoint() {
    if (released_) return;
    if (outermost_) {
        connection_.rollbackQuietly();
        return;
    }
    try {
        connection_.exec("ROLLBACK TO images_write; RELEASE images_write");
    } catch (...) {
        // The enclosing transaction rolls back what is left.
    }
}

void Savepoint::release() {
    connection_.exec(outermost_ ? "COMMIT" : "RELEASE images_write");
    released_ = true;
}

}  // namespace obscura::sqlite

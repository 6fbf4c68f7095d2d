// The images repository's writes and single-asset reads.
#include "mysql_images_repository.hpp"

#include "mysql_asset_rows.hpp"
#include "mysql_asset_search.hpp"
#include "mysql_atomic.hpp"
#include "mysql_errors.hpp"

namespace obscura::mysql {

namespace {

std::optional<storage::AssetRecord> findOne(Connection& connection, std::string_view where, const std::string& first,
                                            const std::string& second = {}) {
    auto stmt =
        connection.prepare("SELECT " + std::string(kAssetColumns) + " FROM assets AS a WHERE " + std::string(where));
    if (second.empty()) {
        stmt.bind(first);
    } else {
        stmt.bind(first, second);
    }
    auto rows = stmt.query();
    if (!rows.next()) return std::nullopt;
    return readAssetRow(rows);
}

void insertTags(Connection& connection, std::int64_t seq, const std::string& assetId, const std::string& ownerId,
                std::int64_t takenAtUs, const std::vector<std::string>& tags) {
    for (const auto& tag : tags) {
        // Two tags equal but for ASCII case are one tag (the key is the lower-cased tag): the first is kept.
        auto stmt = connection.prepare(
            "INSERT INTO asset_tags (asset_seq, asset_id, owner_id, tag, tag_key, taken_at_us)"
            " VALUES (?, ?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE tag = asset_tags.tag");
        stmt.bind(seq, assetId, ownerId, tag, tagKey(tag), takenAtUs).update();
    }
}

// Adds signed deltas to the owner's totals, creating the row on the owner's first asset.
struct UsageDelta {
    std::int64_t assets = 0, images = 0, videos = 0, liveImages = 0, liveVideos = 0, bytesOriginals = 0,
                 bytesDerived = 0;
};

void addUsage(Connection& connection, const std::string& ownerId, const UsageDelta& d) {
    auto stmt = connection.prepare(
        "INSERT INTO asset_usage (owner_id, assets, images, videos, live_images, live_videos, bytes_originals,"
        " bytes_derived) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE assets = assets + ?,"
        " images = images + ?, videos = videos + ?, live_images = live_images + ?, live_videos = live_videos + ?,"
        " bytes_originals = bytes_originals + ?, bytes_derived = bytes_derived + ?");
    stmt.bind(ownerId, d.assets, d.images, d.videos, d.liveImages, d.liveVideos, d.bytesOriginals, d.bytesDerived,
              d.assets, d.images, d.videos, d.liveImages, d.liveVideos, d.bytesOriginals, d.bytesDerived)
        .update();
}

// A live asset's move into (sign -1) or out of (+1) the trash, as seen by the statistics.
void moveLive(Connection& connection, const std::string& ownerId, const std::string& type, int sign) {
    UsageDelta d;
    (type == "image" ? d.liveImages : d.liveVideos) = sign;
    addUsage(connection, ownerId, d);
}

// The row a write is about, locked. nullopt when there is no such asset of this owner.
struct Locked {
    std::int64_t seq = 0;
    std::string ownerId;
    std::string type;
    bool trashed = false;
    std::int64_t sizeBytes = 0;
    std::int64_t derivedBytes = 0;
};

std::optional<Locked> lockAsset(Connection& connection, const std::string& id, const std::string* ownerId) {
    auto stmt = connection.prepare(
        std::string("SELECT seq, owner_id, type, is_trashed, size_bytes, derived_bytes FROM assets WHERE id = ?") +
        (ownerId != nullptr ? " AND owner_id = ?" : "") + " FOR UPDATE");
    if (ownerId != nullptr) {
        stmt.bind(id, *ownerId);
    } else {
        stmt.bind(id);
    }
    auto rows = stmt.query();
    if (!rows.next()) return std::nullopt;
    return Locked{rows.int64(0), rows.text(1), rows.text(2), rows.boolean(3), rows.int64(4), rows.int64(5)};
}

// Rewrites the asset's search words from what the row holds now.
void reindexWords(Connection& connection, std::int64_t seq) {
    auto stmt = connection.prepare(
        "SELECT owner_id, title, description, tags, original_file_name, exif FROM assets WHERE seq = ?");
    auto rows = stmt.bind(seq).query();
    if (!rows.next()) return;
    writeAssetWords(connection, seq, rows.text(0),
                    assetWords(rows.text(1), rows.text(2), parseTagsJson(rows.text(3)), rows.text(4), rows.text(5)));
}

// The column-name prefix of a derivative kind, from the allowlist only.
const char* derivativeColumn(const std::string& kind) {
    if (kind == storage::kDerivativeThumbnail) return "thumbnail";
    if (kind == storage::kDerivativePreview) return "preview";
    if (kind == storage::kDerivativeVideo) return "video";
    return nullptr;
}

}  // namespace

Expected<storage::AssetCounts> MysqlImagesRepository::countAssets(const std::string& ownerId) {
    return guarded("count assets", [&]() -> Expected<storage::AssetCounts> {
        auto stmt = connection_.prepare("SELECT live_images, live_videos FROM asset_usage WHERE owner_id = ?");
        auto rows = stmt.bind(ownerId).query();
        storage::AssetCounts counts;
        if (rows.next()) {
            counts.images = rows.int64(0);
            counts.videos = rows.int64(1);
        }
        return counts;
    });
}

void insertAsset(Connection& connection, const storage::AssetRecord& a) {
    // First, so that a taken id, path or checksum fails before anything else was written: inside the caller's
    // transaction the Conflict then fails only this statement.
    auto stmt = connection.prepare(
        "INSERT INTO assets (id, owner_id, type, original_file_name, mime_type, size_bytes, checksum, width,"
        " height, duration_seconds, taken_at, taken_at_us, created_at, created_at_us, updated_at, title,"
        " description, tags, is_favorite, is_archived, is_trashed, trashed_at, trashed_at_us, exif,"
        " storage_path, device_asset_id, device_id, thumbnail_state, thumbnail_version, preview_state,"
        " preview_version, video_state, video_version, derived_bytes, file_missing)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
        " ?, ?, ?, ?, ?)");
    const std::string exif = a.exif.empty() ? std::string("{}") : a.exif;
    stmt.bind(a.id, a.ownerId, a.type, a.originalFileName, a.mimeType, a.sizeBytes, a.checksum, a.width, a.height,
              a.durationSeconds, a.takenAt, a.takenAtUs, a.createdAt, a.createdAtUs, a.updatedAt, a.title,
              a.description, tagsJson(a.tags), a.isFavorite, a.isArchived, a.isTrashed, a.trashedAt, a.trashedAtUs,
              exif, a.storagePath, a.deviceAssetId, a.deviceId, a.thumbnail.state, a.thumbnail.version, a.preview.state,
              a.preview.version, a.video.state, a.video.version, a.derivedBytes, a.fileMissing);
    stmt.update();
    auto last = connection.prepare("SELECT LAST_INSERT_ID()");
    auto rows = last.query();
    if (!rows.next()) throw MysqlError(0, "create asset " + a.id + ": no sequence number");
    const std::int64_t seq = rows.int64(0);
    insertTags(connection, seq, a.id, a.ownerId, a.takenAtUs, a.tags);
    writeAssetWords(connection, seq, a.ownerId, assetWords(a.title, a.description, a.tags, a.originalFileName, exif),
                    true);
    const bool image = a.type == "image";
    UsageDelta d;
    d.assets = 1;
    (image ? d.images : d.videos) = 1;
    if (!a.isTrashed) (image ? d.liveImages : d.liveVideos) = 1;
    d.bytesOriginals = a.sizeBytes;
    d.bytesDerived = a.derivedBytes;
    addUsage(connection, a.ownerId, d);
    bumpLibraryVersion(connection, a.ownerId);
}

Expected<std::int64_t> MysqlImagesRepository::libraryVersion(const std::string& ownerId) {
    return guarded("library version", [&]() -> Expected<std::int64_t> {
        auto stmt = connection_.prepare("SELECT version FROM library_versions WHERE owner_id = ?");
        auto rows = stmt.bind(ownerId).query();
        return rows.next() ? rows.int64(0) : std::int64_t{0};
    });
}

Status MysqlImagesRepository::createAsset(const storage::AssetRecord& a) {
    OBSCURA_TRY_STATUS(validAsset(a));
    return guarded("create asset", [&]() -> Status {
        return atomically(connection_, [&]() -> Status {
            insertAsset(connection_, a);
            return {};
        });
    });
}

Expected<std::optional<storage::AssetRecord>> MysqlImagesRepository::findAsset(const std::string& ownerId,
                                                                               const std::string& id) {
    return guarded("find asset", [&]() -> Expected<std::optional<storage::AssetRecord>> {
        return findOne(connection_, "a.id = ? AND a.owner_id = ?", id, ownerId);
    });
}

Expected<std::optional<storage::AssetRecord>> MysqlImagesRepository::findAssetByChecksum(const std::string& ownerId,
                                                                                         const std::string& checksum) {
    return guarded("find asset by checksum", [&]() -> Expected<std::optional<storage::AssetRecord>> {
        return findOne(connection_, "a.owner_id = ? AND a.checksum = ?", ownerId, checksum);
    });
}

Expected<std::optional<storage::AssetRecord>> MysqlImagesRepository::findAssetByStoragePath(
    const std::string& storagePath) {
    return guarded("find asset by storage path", [&]() -> Expected<std::optional<storage::AssetRecord>> {
        return findOne(connection_, "a.storage_path = ?", storagePath);
    });
}

Expected<storage::AssetWrite> MysqlImagesRepository::updateAsset(const std::string& ownerId, const std::string& id,
                                                                 const storage::AssetUpdate& u) {
    if (u.takenAt.has_value() != u.takenAtUs.has_value()) return invalid("takenAt and takenAtUs go together");
    if (u.tags) OBSCURA_TRY_STATUS(validTags(*u.tags));
    return guarded("update asset", [&]() -> Expected<storage::AssetWrite> {
        return atomically(connection_, [&]() -> Expected<storage::AssetWrite> {
            const auto locked = lockAsset(connection_, id, &ownerId);
            if (!locked) return storage::AssetWrite::NotFound;
            // Fixed SET clauses, chosen by which fields are present.
            std::string sql = "UPDATE assets SET updated_at = ?";
            if (u.title) sql += ", title = ?";
            if (u.description) sql += ", description = ?";
            if (u.tags) sql += ", tags = ?";
            if (u.isFavorite) sql += ", is_favorite = ?";
            if (u.isArchived) sql += ", is_archived = ?";
            if (u.takenAt) sql += ", taken_at = ?, taken_at_us = ?";
            sql += " WHERE seq = ?";
            auto stmt = connection_.prepare(sql);
            unsigned index = 0;
            stmt.set(++index, u.updatedAt);
            if (u.title) stmt.set(++index, *u.title);
            if (u.description) stmt.set(++index, *u.description);
            if (u.tags) stmt.set(++index, tagsJson(*u.tags));
            if (u.isFavorite) stmt.set(++index, *u.isFavorite);
            if (u.isArchived) stmt.set(++index, *u.isArchived);
            if (u.takenAt) {
                stmt.set(++index, *u.takenAt);
                stmt.set(++index, *u.takenAtUs);
            }
            stmt.set(++index, locked->seq);
            stmt.update();
            if (u.tags) {
                auto clear = connection_.prepare("DELETE FROM asset_tags WHERE asset_seq = ?");
                clear.bind(locked->seq).update();
                auto taken = connection_.prepare("SELECT taken_at_us FROM assets WHERE seq = ?");
                auto rows = taken.bind(locked->seq).query();
                rows.next();
                insertTags(connection_, locked->seq, id, ownerId, rows.int64(0), *u.tags);
            } else if (u.takenAtUs) {
                auto follow = connection_.prepare("UPDATE asset_tags SET taken_at_us = ? WHERE asset_seq = ?");
                follow.bind(*u.takenAtUs, locked->seq).update();
            }
            if (u.title || u.description || u.tags) reindexWords(connection_, locked->seq);
            bumpLibraryVersion(connection_, ownerId);
            return storage::AssetWrite::Changed;
        });
    });
}

Expected<storage::AssetWrite> MysqlImagesRepository::trashAsset(const std::string& ownerId, const std::string& id,
                                                                const std::string& trashedAt,
                                                                std::int64_t trashedAtUs) {
    return guarded("trash asset", [&]() -> Expected<storage::AssetWrite> {
        return atomically(connection_, [&]() -> Expected<storage::AssetWrite> {
            const auto locked = lockAsset(connection_, id, &ownerId);
            if (!locked) return storage::AssetWrite::NotFound;
            if (locked->trashed) return storage::AssetWrite::Unchanged;  // its first trashedAt is kept
            auto stmt = connection_.prepare(
                "UPDATE assets SET is_trashed = 1, trashed_at = ?, trashed_at_us = ?, updated_at = ? WHERE seq = ?");
            stmt.bind(trashedAt, trashedAtUs, trashedAt, locked->seq).update();
            moveLive(connection_, ownerId, locked->type, -1);
            bumpLibraryVersion(connection_, ownerId);
            return storage::AssetWrite::Changed;
        });
    });
}

Expected<std::vector<std::string>> MysqlImagesRepository::restoreAssets(const std::string& ownerId,
                                                                        const std::vector<std::string>& ids,
                                                                        const std::string& updatedAt) {
    return guarded("restore assets", [&]() -> Expected<std::vector<std::string>> {
        return atomically(connection_, [&]() -> Expected<std::vector<std::string>> {
            std::vector<std::string> candidates = ids;
            if (ids.empty()) {
                auto all =
                    connection_.prepare("SELECT id FROM assets WHERE owner_id = ? AND is_trashed = 1 FOR UPDATE");
                auto rows = all.bind(ownerId).query();
                while (rows.next()) candidates.push_back(rows.text(0));
            }
            std::vector<std::string> restored;
            for (const auto& id : candidates) {
                const auto locked = lockAsset(connection_, id, &ownerId);
                if (!locked || !locked->trashed) continue;
                auto stmt = connection_.prepare(
                    "UPDATE assets SET is_trashed = 0, trashed_at = NULL, trashed_at_us = NULL, updated_at = ?"
                    " WHERE seq = ?");
                stmt.bind(updatedAt, locked->seq).update();
                moveLive(connection_, ownerId, locked->type, +1);
                restored.push_back(id);
            }
            if (!restored.empty()) bumpLibraryVersion(connection_, ownerId);
            return restored;
        });
    });
}

Expected<bool> MysqlImagesRepository::deleteAsset(const std::string& ownerId, const std::string& id,
                                                  bool onlyIfTrashed) {
    return guarded("delete asset", [&]() -> Expected<bool> {
        return atomically(connection_, [&]() -> Expected<bool> {
            const auto locked = lockAsset(connection_, id, &ownerId);
            if (!locked || (onlyIfTrashed && !locked->trashed)) return false;
            // Tags, search words and derivatives go by ON DELETE CASCADE.
            auto stmt = connection_.prepare("DELETE FROM assets WHERE seq = ?");
            stmt.bind(locked->seq).update();
            const bool image = locked->type == "image";
            UsageDelta d;
            d.assets = -1;
            (image ? d.images : d.videos) = -1;
            if (!locked->trashed) (image ? d.liveImages : d.liveVideos) = -1;
            d.bytesOriginals = -locked->sizeBytes;
            d.bytesDerived = -locked->derivedBytes;
            addUsage(connection_, ownerId, d);
            bumpLibraryVersion(connection_, ownerId);
            return true;
        });
    });
}

Status MysqlImagesRepository::addBandwidth(const std::string& ownerId, const std::string& month, std::int64_t bytes) {
    if (bytes < 0) return invalid("bandwidth bytes cannot be negative");
    if (month.size() != 7 || month[4] != '-') return invalid("a bandwidth month is written YYYY-MM");
    return guarded("add bandwidth", [&]() -> Status {
        auto stmt = connection_.prepare(
            "INSERT INTO asset_bandwidth (owner_id, month, bytes) VALUES (?, ?, ?)"
            " ON DUPLICATE KEY UPDATE bytes = bytes + ?");
        stmt.bind(ownerId, month, bytes, bytes).update();
        return {};
    });
}

Expected<storage::AssetWrite> MysqlImagesRepository::setDerivativeState(const std::string& assetId,
                                                                        const std::string& kind,
                                                                        const std::string& state, std::int64_t version,
                                                                        std::optional<std::int64_t> derivedBytes) {
    const char* column = derivativeColumn(kind);
    if (column == nullptr) return invalid("unknown derivative kind '" + kind + "'");
    if (state != storage::kDerivativePending && state != storage::kDerivativeReady &&
        state != storage::kDerivativeFailed)
        return invalid("unknown derivative state '" + state + "'");
    if (derivedBytes && *derivedBytes < 0) return invalid("derived bytes cannot be negative");
    return guarded("set derivative state", [&]() -> Expected<storage::AssetWrite> {
        return atomically(connection_, [&]() -> Expected<storage::AssetWrite> {
            const auto locked = lockAsset(connection_, assetId, nullptr);
            if (!locked) return storage::AssetWrite::NotFound;
            const std::string c = column;
            // The version never goes down: events may arrive late or twice.
            std::string sql =
                "UPDATE assets SET " + c + "_state = ?, " + c + "_version = GREATEST(" + c + "_version, ?)";
            if (derivedBytes) sql += ", derived_bytes = ?";
            sql += " WHERE seq = ?";
            auto stmt = connection_.prepare(sql);
            if (derivedBytes) {
                stmt.bind(state, version, *derivedBytes, locked->seq);
            } else {
                stmt.bind(state, version, locked->seq);
            }
            stmt.update();
            if (derivedBytes && *derivedBytes != locked->derivedBytes) {
                UsageDelta d;
                d.bytesDerived = *derivedBytes - locked->derivedBytes;
                addUsage(connection_, locked->ownerId, d);
            }
            bumpLibraryVersion(connection_, locked->ownerId);
            return storage::AssetWrite::Changed;
        });
    });
}

Expected<storage::AssetWrite> MysqlImagesRepository::setFileMissing(const std::string& assetId, bool missing) {
    return guarded("set file missing", [&]() -> Expected<storage::AssetWrite> {
        return atomically(connection_, [&]() -> Expected<storage::AssetWrite> {
            const auto locked = lockAsset(connection_, assetId, nullptr);
            if (!locked) return storage::AssetWrite::NotFound;
            auto stmt = connection_.prepare("UPDATE assets SET file_missing = ? WHERE seq = ?");
            stmt.bind(missing, locked->seq).update();
            bumpLibraryVersion(connection_, locked->ownerId);
            return storage::AssetWrite::Changed;
        });
    });
}

}  // namespace obscura::mysql

// The images repository's writes and single-asset reads.
#include "sql_images_repository.hpp"

#include "sql_asset_rows.hpp"
#include "sql_atomic.hpp"
#include "sql_dialect.hpp"

namespace obscura::sql {

namespace {

std::optional<storage::AssetRecord> selectOneAsset(Session& connection, std::string_view where,
                                                   const std::string& first, const std::string& second = {}) {
    auto stmt =
        connection.prepare("SELECT " + std::string(kAssetColumns) + " FROM assets AS a WHERE " + std::string(where));
    stmt.set(1, first);
    if (!second.empty()) stmt.set(2, second);
    auto rows = stmt.query();
    if (!rows.next()) return std::nullopt;
    return readAssetRow(rows);
}

// A live asset's move into (sign -1) or out of (+1) the trash, as seen by the statistics. A live photo's hidden
// video is never counted there (it shows only through its still), in or out of the trash.
void moveLive(Session& connection, const std::string& ownerId, const std::string& type, bool hidden, int sign) {
    if (hidden) return;
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
    bool hidden = false;
    std::int64_t sizeBytes = 0;
    std::int64_t derivedBytes = 0;
};

std::optional<Locked> lockAsset(Session& connection, const std::string& id, const std::string* ownerId) {
    auto stmt = connection.prepare(
        std::string("SELECT seq, owner_id, type, is_trashed, is_hidden, size_bytes, derived_bytes FROM assets"
                    " WHERE id = ?") +
        (ownerId != nullptr ? " AND owner_id = ?" : "") + std::string(connection.dialect().forUpdate));
    stmt.set(1, id);
    if (ownerId != nullptr) stmt.set(2, *ownerId);
    auto rows = stmt.query();
    if (!rows.next()) return std::nullopt;
    return Locked{rows.int64(0),   rows.text(1),  rows.text(2), rows.boolean(3),
                  rows.boolean(4), rows.int64(5), rows.int64(6)};
}

// The column-name prefix of a derivative kind, from the allowlist only.
const char* derivativeColumn(const std::string& kind) {
    if (kind == storage::kDerivativeThumbnail) return "thumbnail";
    if (kind == storage::kDerivativePreview) return "preview";
    if (kind == storage::kDerivativeVideo) return "video";
    return nullptr;
}

}  // namespace

Expected<storage::AssetCounts> SqlImagesRepository::countAssets(const std::string& ownerId) {
    return guarded(s_, "count assets", [&]() -> Expected<storage::AssetCounts> {
        auto stmt = s_.prepare("SELECT live_images, live_videos FROM asset_usage WHERE owner_id = ?");
        auto rows = stmt.bind(ownerId).query();
        storage::AssetCounts counts;
        if (rows.next()) {
            counts.images = rows.int64(0);
            counts.videos = rows.int64(1);
        }
        return counts;
    });
}

void insertAsset(Session& connection, const storage::AssetRecord& a) {
    // First, so that a taken id, path or checksum fails before anything else was written: inside the caller's
    // transaction the Conflict then fails only this statement.
    auto stmt = connection.prepare(
        "INSERT INTO assets (id, owner_id, type, original_file_name, mime_type, size_bytes, checksum, width,"
        " height, duration_seconds, taken_at, taken_at_us, created_at, created_at_us, updated_at, title,"
        " description, tags, is_favorite, is_archived, is_trashed, trashed_at, trashed_at_us, exif,"
        " storage_path, device_asset_id, device_id, thumbnail_state, thumbnail_version, preview_state,"
        " preview_version, video_state, video_version, derived_bytes, file_missing, latitude, longitude,"
        " live_photo_video_id, is_hidden, live_content_id, live_base_name)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
        " ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    const std::string exif = a.exif.empty() ? std::string("{}") : a.exif;
    // The position's own columns (migration finding 1): the map's covering index holds them.
    const auto position = exifPosition(exif);
    // Values rather than optionals: GCC 12 sees a maybe-uninitialized optional<double> through the inlined bind.
    const storage::Value latitude = position ? storage::Value(position->latitude) : storage::Value();
    const storage::Value longitude = position ? storage::Value(position->longitude) : storage::Value();
    stmt.bind(a.id, a.ownerId, a.type, a.originalFileName, a.mimeType, a.sizeBytes, a.checksum, a.width, a.height,
              a.durationSeconds, a.takenAt, a.takenAtUs, a.createdAt, a.createdAtUs, a.updatedAt, a.title,
              a.description, tagsJson(a.tags), a.isFavorite, a.isArchived, a.isTrashed, a.trashedAt, a.trashedAtUs,
              exif, a.storagePath, a.deviceAssetId, a.deviceId, a.thumbnail.state, a.thumbnail.version, a.preview.state,
              a.preview.version, a.video.state, a.video.version, a.derivedBytes, a.fileMissing, latitude, longitude,
              a.livePhotoVideoId, a.isHidden, a.liveContentId, a.liveBaseName);
    stmt.execute();
    const Dialect& d = connection.dialect();
    auto last = connection.prepare(d.lastInsertId);
    auto rows = last.query();
    if (!rows.next()) throw SqlError(Failure::Internal, 0, "create asset " + a.id + ": no sequence number");
    const std::int64_t seq = rows.int64(0);
    d.insertTags(connection, seq, a.id, a.ownerId, a.takenAtUs, a.tags);
    d.indexAsset(connection, seq, a, true);
    addUsage(connection, a.ownerId, assetUsage(a.type, a.isTrashed || a.isHidden, a.sizeBytes, a.derivedBytes, +1));
    bumpLibraryVersion(connection, a.ownerId);
}

Expected<std::int64_t> SqlImagesRepository::libraryVersion(const std::string& ownerId) {
    return guarded(s_, "library version", [&]() -> Expected<std::int64_t> {
        auto stmt = s_.prepare("SELECT version FROM library_versions WHERE owner_id = ?");
        auto rows = stmt.bind(ownerId).query();
        return rows.next() ? rows.int64(0) : std::int64_t{0};
    });
}

Status SqlImagesRepository::createAsset(const storage::AssetRecord& a) {
    OBSCURA_TRY_STATUS(validAsset(s_.dialect(), a));
    return guarded(s_, "create asset", [&]() -> Status {
        return atomically(s_, [&]() -> Status {
            insertAsset(s_, a);
            return {};
        });
    });
}

Expected<std::optional<storage::AssetRecord>> SqlImagesRepository::findAsset(const std::string& ownerId,
                                                                             const std::string& id) {
    return guarded(s_, "find asset", [&]() -> Expected<std::optional<storage::AssetRecord>> {
        return selectOneAsset(s_, "a.id = ? AND a.owner_id = ?", id, ownerId);
    });
}

Expected<std::optional<storage::AssetRecord>> SqlImagesRepository::findAssetByChecksum(const std::string& ownerId,
                                                                                       const std::string& checksum) {
    return guarded(s_, "find asset by checksum", [&]() -> Expected<std::optional<storage::AssetRecord>> {
        return selectOneAsset(s_, "a.owner_id = ? AND a.checksum = ?", ownerId, checksum);
    });
}

Expected<std::optional<storage::AssetRecord>> SqlImagesRepository::findAssetByStoragePath(
    const std::string& storagePath) {
    return guarded(s_, "find asset by storage path", [&]() -> Expected<std::optional<storage::AssetRecord>> {
        return selectOneAsset(s_, "a.storage_path = ?", storagePath);
    });
}

Expected<storage::AssetWrite> SqlImagesRepository::updateAsset(const std::string& ownerId, const std::string& id,
                                                               const storage::AssetUpdate& u) {
    if (u.takenAt.has_value() != u.takenAtUs.has_value()) return invalid("takenAt and takenAtUs go together");
    if (u.tags) OBSCURA_TRY_STATUS(validTags(s_.dialect(), *u.tags));
    return guarded(s_, "update asset", [&]() -> Expected<storage::AssetWrite> {
        return atomically(s_, [&]() -> Expected<storage::AssetWrite> {
            const auto locked = lockAsset(s_, id, &ownerId);
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
            auto stmt = s_.prepare(sql);
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
            stmt.execute();
            const Dialect& d = s_.dialect();
            if (u.tags) {
                d.deleteTags(s_, locked->seq, id);
                auto taken = s_.prepare("SELECT taken_at_us FROM assets WHERE seq = ?");
                auto rows = taken.bind(locked->seq).query();
                rows.next();
                d.insertTags(s_, locked->seq, id, ownerId, rows.int64(0), *u.tags);
            } else if (u.takenAtUs) {
                d.moveTags(s_, locked->seq, id, *u.takenAtUs);
            }
            if (u.title || u.description || u.tags) d.reindexAsset(s_, locked->seq);
            bumpLibraryVersion(s_, ownerId);
            return storage::AssetWrite::Changed;
        });
    });
}

Expected<storage::AssetWrite> SqlImagesRepository::trashAsset(const std::string& ownerId, const std::string& id,
                                                              const std::string& trashedAt, std::int64_t trashedAtUs) {
    return guarded(s_, "trash asset", [&]() -> Expected<storage::AssetWrite> {
        return atomically(s_, [&]() -> Expected<storage::AssetWrite> {
            const auto locked = lockAsset(s_, id, &ownerId);
            if (!locked) return storage::AssetWrite::NotFound;
            if (locked->trashed) return storage::AssetWrite::Unchanged;  // its first trashedAt is kept
            auto stmt = s_.prepare(
                "UPDATE assets SET is_trashed = 1, trashed_at = ?, trashed_at_us = ?, updated_at = ? WHERE seq = ?");
            stmt.bind(trashedAt, trashedAtUs, trashedAt, locked->seq).execute();
            moveLive(s_, ownerId, locked->type, locked->hidden, -1);
            bumpLibraryVersion(s_, ownerId);
            return storage::AssetWrite::Changed;
        });
    });
}

Expected<std::vector<std::string>> SqlImagesRepository::restoreAssets(const std::string& ownerId,
                                                                      const std::vector<std::string>& ids,
                                                                      const std::string& updatedAt) {
    return guarded(s_, "restore assets", [&]() -> Expected<std::vector<std::string>> {
        return atomically(s_, [&]() -> Expected<std::vector<std::string>> {
            std::vector<std::string> candidates = ids;
            if (ids.empty()) {
                auto all = s_.prepare("SELECT id FROM assets WHERE owner_id = ? AND is_trashed = 1" +
                                      std::string(s_.dialect().forUpdate));
                auto rows = all.bind(ownerId).query();
                while (rows.next()) candidates.push_back(rows.text(0));
            }
            std::vector<std::string> restored;
            for (const auto& id : candidates) {
                const auto locked = lockAsset(s_, id, &ownerId);
                if (!locked || !locked->trashed) continue;
                auto stmt = s_.prepare(
                    "UPDATE assets SET is_trashed = 0, trashed_at = NULL, trashed_at_us = NULL, updated_at = ?"
                    " WHERE seq = ?");
                stmt.bind(updatedAt, locked->seq).execute();
                moveLive(s_, ownerId, locked->type, locked->hidden, +1);
                restored.push_back(id);
            }
            if (!restored.empty()) bumpLibraryVersion(s_, ownerId);
            return restored;
        });
    });
}

Expected<bool> SqlImagesRepository::deleteAsset(const std::string& ownerId, const std::string& id, bool onlyIfTrashed) {
    return guarded(s_, "delete asset", [&]() -> Expected<bool> {
        return atomically(s_, [&]() -> Expected<bool> {
            const auto locked = lockAsset(s_, id, &ownerId);
            if (!locked || (onlyIfTrashed && !locked->trashed)) return false;
            // Tags, search words and derivatives go by ON DELETE CASCADE.
            auto stmt = s_.prepare("DELETE FROM assets WHERE seq = ?");
            stmt.bind(locked->seq).execute();
            addUsage(s_, ownerId,
                     assetUsage(locked->type, locked->trashed || locked->hidden, locked->sizeBytes,
                                locked->derivedBytes, -1));
            bumpLibraryVersion(s_, ownerId);
            return true;
        });
    });
}

Status SqlImagesRepository::addBandwidth(const std::string& ownerId, const std::string& month, std::int64_t bytes) {
    if (bytes < 0) return invalid("bandwidth bytes cannot be negative");
    if (month.size() != 7 || month[4] != '-') return invalid("a bandwidth month is written YYYY-MM");
    return guarded(s_, "add bandwidth", [&]() -> Status {
        const Dialect& d = s_.dialect();
        s_.prepare("INSERT INTO asset_bandwidth (owner_id, month, bytes) VALUES (?, ?, ?)" +
                   d.onConflict("owner_id, month") + "bytes = bytes + " + d.inserted("bytes"))
            .bind(ownerId, month, bytes)
            .execute();
        return {};
    });
}

Expected<storage::AssetWrite> SqlImagesRepository::setDerivativeState(const std::string& assetId,
                                                                      const std::string& kind, const std::string& state,
                                                                      std::int64_t version,
                                                                      std::optional<std::int64_t> derivedBytes) {
    const char* column = derivativeColumn(kind);
    if (column == nullptr) return invalid("unknown derivative kind '" + kind + "'");
    if (state != storage::kDerivativePending && state != storage::kDerivativeReady &&
        state != storage::kDerivativeFailed)
        return invalid("unknown derivative state '" + state + "'");
    if (derivedBytes && *derivedBytes < 0) return invalid("derived bytes cannot be negative");
    return guarded(s_, "set derivative state", [&]() -> Expected<storage::AssetWrite> {
        return atomically(s_, [&]() -> Expected<storage::AssetWrite> {
            const auto locked = lockAsset(s_, assetId, nullptr);
            if (!locked) return storage::AssetWrite::NotFound;
            const std::string c = column;
            // The version never goes down: events may arrive late or twice.
            std::string sql = "UPDATE assets SET " + c + "_state = ?, " + c +
                              "_version = " + std::string(s_.dialect().greatest) + "(" + c + "_version, ?)";
            if (derivedBytes) sql += ", derived_bytes = ?";
            sql += " WHERE seq = ?";
            auto stmt = s_.prepare(sql);
            if (derivedBytes) {
                stmt.bind(state, version, *derivedBytes, locked->seq);
            } else {
                stmt.bind(state, version, locked->seq);
            }
            stmt.execute();
            if (derivedBytes && *derivedBytes != locked->derivedBytes) {
                UsageDelta d;
                d.bytesDerived = *derivedBytes - locked->derivedBytes;
                addUsage(s_, locked->ownerId, d);
            }
            bumpLibraryVersion(s_, locked->ownerId);
            return storage::AssetWrite::Changed;
        });
    });
}

Expected<storage::AssetWrite> SqlImagesRepository::setFileMissing(const std::string& assetId, bool missing) {
    return guarded(s_, "set file missing", [&]() -> Expected<storage::AssetWrite> {
        return atomically(s_, [&]() -> Expected<storage::AssetWrite> {
            const auto locked = lockAsset(s_, assetId, nullptr);
            if (!locked) return storage::AssetWrite::NotFound;
            auto stmt = s_.prepare("UPDATE assets SET file_missing = ? WHERE seq = ?");
            stmt.bind(missing, locked->seq).execute();
            bumpLibraryVersion(s_, locked->ownerId);
            return storage::AssetWrite::Changed;
        });
    });
}

}  // namespace obscura::sql

// The images repository's writes and single-asset reads. Multi-statement writes run under a savepoint so
// they are whole even when the caller did not open a transaction.
#include "sqlite_images_repository.hpp"

#include "sqlite_asset_rows.hpp"
#include "sqlite_auth_repository.hpp"
#include "sqlite_errors.hpp"

namespace obscura::sqlite {

namespace {

std::optional<storage::AssetRecord> findOne(Connection& connection, std::string_view where,
                                            const std::string& first, const std::string& second = {}) {
    auto stmt = connection.prepare("SELECT " + std::string(kAssetColumns) + " FROM assets AS a WHERE " +
                                   std::string(where));
    stmt.bind(1, first);
    if (!second.empty()) stmt.bind(2, second);
    if (!stmt.step()) return std::nullopt;
    return readAssetRow(stmt);
}

void insertTags(Connection& connection, const std::string& assetId, const std::string& ownerId,
                std::int64_t takenAtUs, const std::vector<std::string>& tags) {
    // OR IGNORE: two tags equal but for ASCII case are one tag (the key is NOCASE); the module dedupes first.
    for (const auto& tag : tags) {
        // Prepared per row: the cache hands back the same statement, reset when the previous one went away.
        auto stmt = connection.prepare(
            "INSERT OR IGNORE INTO asset_tags (asset_id, owner_id, tag, taken_at_us) VALUES (?1, ?2, ?3, ?4)");
        stmt.bind(1, assetId).bind(2, ownerId).bind(3, tag).bind(4, takenAtUs);
        stmt.run();
    }
}

// What a write that changed no row means: the asset is missing (or foreign), or it was already as asked.
storage::AssetWrite unchangedOrMissing(Connection& connection, const std::string& ownerId, const std::string& id) {
    auto stmt = connection.prepare("SELECT 1 FROM assets WHERE id = ?1 AND owner_id = ?2");
    stmt.bind(1, id).bind(2, ownerId);
    return stmt.step() ? storage::AssetWrite::Unchanged : storage::AssetWrite::NotFound;
}

// The column-name prefix of a derivative kind, from the allowlist only.
const char* derivativeColumn(const std::string& kind) {
    if (kind == storage::kDerivativeThumbnail) return "thumbnail";
    if (kind == storage::kDerivativePreview) return "preview";
    if (kind == storage::kDerivativeVideo) return "video";
    return nullptr;
}

}  // namespace

Expected<storage::AssetCounts> SqliteImagesRepository::countAssets(const std::string& ownerId) {
    return guarded("count assets", [&]() -> Expected<storage::AssetCounts> {
        // The trigger-kept totals: counting a million rows per request is what this table avoids.
        auto stmt = connection_.prepare("SELECT live_images, live_videos FROM asset_usage WHERE owner_id = ?1");
        stmt.bind(1, ownerId);
        storage::AssetCounts counts;
        if (stmt.step()) {
            counts.images = stmt.int64(0);
            counts.videos = stmt.int64(1);
        }
        return counts;
    });
}

Expected<std::int64_t> SqliteImagesRepository::libraryVersion(const std::string& ownerId) {
    return guarded("library version", [&]() -> Expected<std::int64_t> {
        auto stmt = connection_.prepare("SELECT version FROM library_versions WHERE owner_id = ?1");
        stmt.bind(1, ownerId);
        return stmt.step() ? stmt.int64(0) : std::int64_t{0};
    });
}

Status SqliteImagesRepository::createAsset(const storage::AssetRecord& a) {
    OBSCURA_TRY_STATUS(validAsset(a));
    return guarded("create asset", [&]() -> Status {
        Savepoint savepoint(connection_);
        auto stmt = connection_.prepare(
            "INSERT INTO assets (id, owner_id, type, original_file_name, mime_type, size_bytes, checksum, width,"
            " height, duration_seconds, taken_at, taken_at_us, created_at, created_at_us, updated_at, title,"
            " description, tags, is_favorite, is_archived, is_trashed, trashed_at, trashed_at_us, exif,"
            " storage_path, device_asset_id, device_id, thumbnail_state, thumbnail_version, preview_state,"
            " preview_version, video_state, video_version, derived_bytes, file_missing)"
            " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20,"
            " ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31, ?32, ?33, ?34, ?35)");
        stmt.bind(1, a.id).bind(2, a.ownerId).bind(3, a.type).bind(4, a.originalFileName).bind(5, a.mimeType);
        stmt.bind(6, a.sizeBytes).bind(7, a.checksum).bind(8, a.width).bind(9, a.height);
        if (a.durationSeconds) {
            stmt.bind(10, *a.durationSeconds);
        } else {
            stmt.bindNull(10);
        }
        stmt.bind(11, a.takenAt).bind(12, a.takenAtUs).bind(13, a.createdAt).bind(14, a.createdAtUs);
        stmt.bind(15, a.updatedAt).bind(16, a.title).bind(17, a.description).bind(18, tagsJson(a.tags));
        stmt.bind(19, a.isFavorite).bind(20, a.isArchived).bind(21, a.isTrashed);
        if (a.trashedAt) {
            stmt.bind(22, *a.trashedAt);
        } else {
            stmt.bindNull(22);
        }
        stmt.bind(23, a.trashedAtUs).bind(24, a.exif.empty() ? std::string("{}") : a.exif);
        stmt.bind(25, a.storagePath).bind(26, a.deviceAssetId).bind(27, a.deviceId);
        stmt.bind(28, a.thumbnail.state).bind(29, a.thumbnail.version).bind(30, a.preview.state);
        stmt.bind(31, a.preview.version).bind(32, a.video.state).bind(33, a.video.version);
        stmt.bind(34, a.derivedBytes).bind(35, a.fileMissing);
        stmt.run();
        insertTags(connection_, a.id, a.ownerId, a.takenAtUs, a.tags);
        savepoint.release();
        return {};
    });
}

Expected<std::optional<storage::AssetRecord>> SqliteImagesRepository::findAsset(const std::string& ownerId,
                                                                                 const std::string& id) {
    return guarded("find asset", [&]() -> Expected<std::optional<storage::AssetRecord>> {
        return findOne(connection_, "a.id = ?1 AND a.owner_id = ?2", id, ownerId);
    });
}

Expected<std::optional<storage::AssetRecord>> SqliteImagesRepository::findAssetByChecksum(
    const std::string& ownerId, const std::string& checksum) {
    return guarded("find asset by checksum", [&]() -> Expected<std::optional<storage::AssetRecord>> {
        return findOne(connection_, "a.owner_id = ?1 AND a.checksum = ?2", ownerId, checksum);
    });
}

Expected<std::optional<storage::AssetRecord>> SqliteImagesRepository::findAssetByStoragePath(
    const std::string& storagePath) {
    return guarded("find asset by storage path", [&]() -> Expected<std::optional<storage::AssetRecord>> {
        return findOne(connection_, "a.storage_path = ?1", storagePath);
    });
}

Expected<storage::AssetWrite> SqliteImagesRepository::updateAsset(const std::string& ownerId, const std::string& id,
                                                                  const storage::AssetUpdate& u) {
    if (u.takenAt.has_value() != u.takenAtUs.has_value()) return invalid("takenAt and takenAtUs go together");
    if (u.tags) OBSCURA_TRY_STATUS(validTags(*u.tags));
    return guarded("update asset", [&]() -> Expected<storage::AssetWrite> {
        Savepoint savepoint(connection_);
        // Fixed SET clauses, chosen by which fields are present; ?1/?2 are id and owner.
        std::string sql = "UPDATE assets SET updated_at = ?3";
        if (u.title) sql += ", title = ?4";
        if (u.description) sql += ", description = ?5";
        if (u.tags) sql += ", tags = ?6";
        if (u.isFavorite) sql += ", is_favorite = ?7";
        if (u.isArchived) sql += ", is_archived = ?8";
        if (u.takenAt) sql += ", taken_at = ?9, taken_at_us = ?10";
        sql += " WHERE id = ?1 AND owner_id = ?2";
        auto stmt = connection_.prepare(sql);
        stmt.bind(1, id).bind(2, ownerId).bind(3, u.updatedAt);
        if (u.title) stmt.bind(4, *u.title);
        if (u.description) stmt.bind(5, *u.description);
        if (u.tags) stmt.bind(6, tagsJson(*u.tags));
        if (u.isFavorite) stmt.bind(7, *u.isFavorite);
        if (u.isArchived) stmt.bind(8, *u.isArchived);
        if (u.takenAt) stmt.bind(9, *u.takenAt).bind(10, *u.takenAtUs);
        stmt.run();
        if (changedRows(connection_) == 0) return storage::AssetWrite::NotFound;
        if (u.tags) {
            auto clear = connection_.prepare("DELETE FROM asset_tags WHERE asset_id = ?1");
            clear.bind(1, id);
            clear.run();
            auto taken = connection_.prepare("SELECT taken_at_us FROM assets WHERE id = ?1");
            taken.bind(1, id);
            taken.step();
            insertTags(connection_, id, ownerId, taken.int64(0), *u.tags);
        }
        savepoint.release();
        return storage::AssetWrite::Changed;
    });
}

Expected<storage::AssetWrite> SqliteImagesRepository::trashAsset(const std::string& ownerId, const std::string& id,
                                                                 const std::string& trashedAt,
                                                                 std::int64_t trashedAtUs) {
    return guarded("trash asset", [&]() -> Expected<storage::AssetWrite> {
        auto stmt = connection_.prepare(
            "UPDATE assets SET is_trashed = 1, trashed_at = ?3, trashed_at_us = ?4, updated_at = ?3"
            " WHERE id = ?1 AND owner_id = ?2 AND is_trashed = 0");
        stmt.bind(1, id).bind(2, ownerId).bind(3, trashedAt).bind(4, trashedAtUs);
        stmt.run();
        if (changedRows(connection_) > 0) return storage::AssetWrite::Changed;
        return unchangedOrMissing(connection_, ownerId, id);
    });
}

Expected<std::vector<std::string>> SqliteImagesRepository::restoreAssets(const std::string& ownerId,
                                                                         const std::vector<std::string>& ids,
                                                                         const std::string& updatedAt) {
    return guarded("restore assets", [&]() -> Expected<std::vector<std::string>> {
        Savepoint savepoint(connection_);
        std::vector<std::string> candidates = ids;
        if (ids.empty()) {
            auto all = connection_.prepare("SELECT id FROM assets WHERE owner_id = ?1 AND is_trashed = 1");
            all.bind(1, ownerId);
            while (all.step()) candidates.push_back(all.text(0));
        }
        std::vector<std::string> restored;
        for (const auto& id : candidates) {
            auto stmt = connection_.prepare(
                "UPDATE assets SET is_trashed = 0, trashed_at = NULL, trashed_at_us = NULL, updated_at = ?3"
                " WHERE id = ?1 AND owner_id = ?2 AND is_trashed = 1");
            stmt.bind(1, id).bind(2, ownerId).bind(3, updatedAt);
            stmt.run();
            if (changedRows(connection_) > 0) restored.push_back(id);
        }
        savepoint.release();
        return restored;
    });
}

Expected<bool> SqliteImagesRepository::deleteAsset(const std::string& ownerId, const std::string& id,
                                                   bool onlyIfTrashed) {
    return guarded("delete asset", [&]() -> Expected<bool> {
        auto stmt = connection_.prepare(onlyIfTrashed
                                            ? "DELETE FROM assets WHERE id = ?1 AND owner_id = ?2 AND is_trashed = 1"
                                            : "DELETE FROM assets WHERE id = ?1 AND owner_id = ?2");
        stmt.bind(1, id).bind(2, ownerId);
        stmt.run();
        return changedRows(connection_) > 0;
    });
}

Status SqliteImagesRepository::addBandwidth(const std::string& ownerId, const std::string& month,
                                            std::int64_t bytes) {
    if (bytes < 0) return invalid("bandwidth bytes cannot be negative");
    if (month.size() != 7 || month[4] != '-') return invalid("a bandwidth month is written YYYY-MM");
    return guarded("add bandwidth", [&]() -> Status {
        auto stmt = connection_.prepare(
            "INSERT INTO asset_bandwidth (owner_id, month, bytes) VALUES (?1, ?2, ?3)"
            " ON CONFLICT (owner_id, month) DO UPDATE SET bytes = bytes + excluded.bytes");
        stmt.bind(1, ownerId).bind(2, month).bind(3, bytes);
        stmt.run();
        return {};
    });
}

Expected<storage::AssetWrite> SqliteImagesRepository::setDerivativeState(const std::string& assetId,
                                                                         const std::string& kind,
                                                                         const std::string& state,
                                                                         std::int64_t version,
                                                                         std::optional<std::int64_t> derivedBytes) {
    const char* column = derivativeColumn(kind);
    if (column == nullptr) return invalid("unknown derivative kind '" + kind + "'");
    if (state != storage::kDerivativePending && state != storage::kDerivativeReady &&
        state != storage::kDerivativeFailed)
        return invalid("unknown derivative state '" + state + "'");
    if (derivedBytes && *derivedBytes < 0) return invalid("derived bytes cannot be negative");
    return guarded("set derivative state", [&]() -> Expected<storage::AssetWrite> {
        const std::string c = column;
        std::string sql = "UPDATE assets SET " + c + "_state = ?2, " + c + "_version = max(" + c + "_version, ?3)";
        if (derivedBytes) sql += ", derived_bytes = ?4";
        sql += " WHERE id = ?1";
        auto stmt = connection_.prepare(sql);
        stmt.bind(1, assetId).bind(2, state).bind(3, version);
        if (derivedBytes) stmt.bind(4, *derivedBytes);
        stmt.run();
        return changedRows(connection_) > 0 ? storage::AssetWrite::Changed : storage::AssetWrite::NotFound;
    });
}

Expected<storage::AssetWrite> SqliteImagesRepository::setFileMissing(const std::string& assetId, bool missing) {
    return guarded("set file missing", [&]() -> Expected<storage::AssetWrite> {
        auto stmt = connection_.prepare("UPDATE assets SET file_missing = ?2 WHERE id = ?1");
        stmt.bind(1, assetId).bind(2, missing);
        stmt.run();
        return changedRows(connection_) > 0 ? storage::AssetWrite::Changed : storage::AssetWrite::NotFound;
    });
}

}  // namespace obscura::sqlite

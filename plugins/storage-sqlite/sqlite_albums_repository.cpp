// Albums and share links. Multi-statement writes run under a savepoint so they are whole even when the
// caller did not open a transaction.
#include "sqlite_albums_repository.hpp"

#include <set>

#include "sqlite_asset_rows.hpp"
#include "sqlite_errors.hpp"

namespace obscura::sqlite {

namespace {

using storage::AlbumAssetChange;

// Album columns plus the live asset count and the cover: the chosen one while still in the album, else the
// first asset added.
constexpr std::string_view kAlbumSelect =
    "SELECT al.id, al.owner_id, al.name, al.description, al.thumbnail_asset_id, al.created_at, al.created_at_us,"
    " al.updated_at,"
    " (SELECT COUNT(*) FROM album_assets AS aa JOIN assets AS a ON a.id = aa.asset_id"
    "   WHERE aa.album_id = al.id AND a.is_trashed = 0),"
    " COALESCE((SELECT aa.asset_id FROM album_assets AS aa WHERE aa.album_id = al.id"
    "            AND aa.asset_id = al.thumbnail_asset_id),"
    "          (SELECT aa.asset_id FROM album_assets AS aa JOIN assets AS a ON a.id = aa.asset_id"
    "            WHERE aa.album_id = al.id AND a.is_trashed = 0 ORDER BY aa.added_at_us, aa.asset_id LIMIT 1))"
    " FROM albums AS al";

storage::AlbumView readAlbum(const Statement& row) {
    storage::AlbumView view;
    auto& a = view.album;
    a.id = row.text(0);
    a.ownerId = row.text(1);
    a.name = row.text(2);
    a.description = row.text(3);
    if (!row.isNull(4)) a.thumbnailAssetId = row.text(4);
    a.createdAt = row.text(5);
    a.createdAtUs = row.int64(6);
    a.updatedAt = row.text(7);
    view.assetCount = row.int64(8);
    if (!row.isNull(9)) view.coverAssetId = row.text(9);
    return view;
}

bool ownsAlbum(Connection& connection, const std::string& ownerId, const std::string& albumId) {
    auto stmt = connection.prepare("SELECT 1 FROM albums WHERE id = ?1 AND owner_id = ?2");
    stmt.bind(1, albumId).bind(2, ownerId);
    return stmt.step();
}

void touchAlbum(Connection& connection, const std::string& albumId, const std::string& updatedAt) {
    auto stmt = connection.prepare("UPDATE albums SET updated_at = ?2 WHERE id = ?1");
    stmt.bind(1, albumId).bind(2, updatedAt);
    stmt.run();
}

constexpr std::string_view kLinkColumns =
    "SELECT id, owner_id, link_key, key_hash, album_id, expires_at, expires_at_us, password_hash, allow_download,"
    " created_at, created_at_us FROM shared_links";

storage::SharedLinkRecord readLink(Connection& connection, const Statement& row) {
    storage::SharedLinkRecord link;
    link.id = row.text(0);
    link.ownerId = row.text(1);
    link.key = row.text(2);
    link.keyHash = row.text(3);
    if (!row.isNull(4)) link.albumId = row.text(4);
    if (!row.isNull(5)) link.expiresAt = row.text(5);
    link.expiresAtUs = row.optionalInt64(6);
    if (!row.isNull(7)) link.passwordHash = row.text(7);
    link.allowDownload = row.boolean(8);
    link.createdAt = row.text(9);
    link.createdAtUs = row.int64(10);
    auto assets = connection.prepare("SELECT asset_id FROM shared_link_assets WHERE link_id = ?1 ORDER BY asset_id");
    assets.bind(1, link.id);
    while (assets.step()) link.assetIds.push_back(assets.text(0));
    return link;
}

}  // namespace

Status SqliteAlbumsRepository::createAlbum(const storage::AlbumRecord& a) {
    return guarded("create album", [&]() -> Status {
        auto stmt = connection_.prepare(
            "INSERT INTO albums (id, owner_id, name, description, thumbnail_asset_id, created_at, created_at_us,"
            " updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
        stmt.bind(1, a.id).bind(2, a.ownerId).bind(3, a.name).bind(4, a.description);
        if (a.thumbnailAssetId) {
            stmt.bind(5, *a.thumbnailAssetId);
        } else {
            stmt.bindNull(5);
        }
        stmt.bind(6, a.createdAt).bind(7, a.createdAtUs).bind(8, a.updatedAt);
        stmt.run();
        return {};
    });
}

Expected<std::optional<storage::AlbumView>> SqliteAlbumsRepository::findAlbum(const std::string& ownerId,
                                                                              const std::string& id) {
    return guarded("find album", [&]() -> Expected<std::optional<storage::AlbumView>> {
        auto stmt = connection_.prepare(std::string(kAlbumSelect) + " WHERE al.id = ?1 AND al.owner_id = ?2");
        stmt.bind(1, id).bind(2, ownerId);
        if (!stmt.step()) return std::optional<storage::AlbumView>();
        return std::optional<storage::AlbumView>(readAlbum(stmt));
    });
}

Expected<std::vector<storage::AlbumView>> SqliteAlbumsRepository::listAlbums(const std::string& ownerId) {
    return guarded("list albums", [&]() -> Expected<std::vector<storage::AlbumView>> {
        auto stmt = connection_.prepare(std::string(kAlbumSelect) +
                                        " WHERE al.owner_id = ?1 ORDER BY al.created_at_us DESC, al.id DESC");
        stmt.bind(1, ownerId);
        std::vector<storage::AlbumView> out;
        while (stmt.step()) out.push_back(readAlbum(stmt));
        return out;
    });
}

Expected<storage::AssetWrite> SqliteAlbumsRepository::updateAlbum(const std::string& ownerId, const std::string& id,
                                                                  const storage::AlbumUpdate& u) {
    return guarded("update album", [&]() -> Expected<storage::AssetWrite> {
        // One statement; unset fields keep their value (the flags say which parameters apply).
        auto stmt = connection_.prepare(
            "UPDATE albums SET name = CASE WHEN ?3 THEN ?4 ELSE name END,"
            " description = CASE WHEN ?5 THEN ?6 ELSE description END,"
            " thumbnail_asset_id = CASE WHEN ?7 THEN ?8 ELSE thumbnail_asset_id END, updated_at = ?9"
            " WHERE id = ?1 AND owner_id = ?2");
        stmt.bind(1, id).bind(2, ownerId);
        stmt.bind(3, u.name.has_value()).bind(4, u.name.value_or(""));
        stmt.bind(5, u.description.has_value()).bind(6, u.description.value_or(""));
        stmt.bind(7, u.thumbnailAssetId.has_value());
        if (u.thumbnailAssetId && *u.thumbnailAssetId) {
            stmt.bind(8, **u.thumbnailAssetId);
        } else {
            stmt.bindNull(8);
        }
        stmt.bind(9, u.updatedAt);
        stmt.run();
        return ownsAlbum(connection_, ownerId, id) ? storage::AssetWrite::Changed : storage::AssetWrite::NotFound;
    });
}

Expected<bool> SqliteAlbumsRepository::deleteAlbum(const std::string& ownerId, const std::string& id) {
    return guarded("delete album", [&]() -> Expected<bool> {
        Savepoint savepoint(connection_);
        const bool found = ownsAlbum(connection_, ownerId, id);
        auto stmt = connection_.prepare("DELETE FROM albums WHERE id = ?1 AND owner_id = ?2");
        stmt.bind(1, id).bind(2, ownerId);
        stmt.run();
        savepoint.release();
        return found;
    });
}

Expected<std::vector<AlbumAssetChange>> SqliteAlbumsRepository::addAlbumAssets(const std::string& ownerId,
                                                                               const std::string& albumId,
                                                                               const std::vector<std::string>& assetIds,
                                                                               std::int64_t addedAtUs,
                                                                               const std::string& updatedAt) {
    return guarded("add album assets", [&]() -> Expected<std::vector<AlbumAssetChange>> {
        Savepoint savepoint(connection_);
        if (!ownsAlbum(connection_, ownerId, albumId)) return notFound("album not found");
        std::vector<AlbumAssetChange> out;
        bool changed = false;
        for (const auto& assetId : assetIds) {
            auto live = connection_.prepare("SELECT 1 FROM assets WHERE id = ?1 AND owner_id = ?2 AND is_trashed = 0");
            live.bind(1, assetId).bind(2, ownerId);
            if (!live.step()) {
                out.push_back(AlbumAssetChange::NotFound);
                continue;
            }
            auto insert = connection_.prepare(
                "INSERT OR IGNORE INTO album_assets (album_id, asset_id, added_at_us) VALUES (?1, ?2, ?3)");
            insert.bind(1, albumId).bind(2, assetId).bind(3, addedAtUs);
            insert.run();
            auto added = connection_.prepare("SELECT changes()");
            const bool inserted = added.step() && added.int64(0) > 0;
            changed = changed || inserted;
            out.push_back(inserted ? AlbumAssetChange::Done : AlbumAssetChange::Duplicate);
        }
        if (changed) touchAlbum(connection_, albumId, updatedAt);
        savepoint.release();
        return out;
    });
}

Expected<std::vector<AlbumAssetChange>> SqliteAlbumsRepository::removeAlbumAssets(
    const std::string& ownerId, const std::string& albumId, const std::vector<std::string>& assetIds,
    const std::string& updatedAt) {
    return guarded("remove album assets", [&]() -> Expected<std::vector<AlbumAssetChange>> {
        Savepoint savepoint(connection_);
        if (!ownsAlbum(connection_, ownerId, albumId)) return notFound("album not found");
        std::vector<AlbumAssetChange> out;
        bool changed = false;
        for (const auto& assetId : assetIds) {
            auto remove = connection_.prepare("DELETE FROM album_assets WHERE album_id = ?1 AND asset_id = ?2");
            remove.bind(1, albumId).bind(2, assetId);
            remove.run();
            auto removed = connection_.prepare("SELECT changes()");
            const bool done = removed.step() && removed.int64(0) > 0;
            changed = changed || done;
            out.push_back(done ? AlbumAssetChange::Done : AlbumAssetChange::NotFound);
        }
        if (changed) touchAlbum(connection_, albumId, updatedAt);
        savepoint.release();
        return out;
    });
}

Expected<bool> SqliteAlbumsRepository::albumHasAsset(const std::string& ownerId, const std::string& albumId,
                                                     const std::string& assetId) {
    return guarded("album has asset", [&]() -> Expected<bool> {
        auto stmt = connection_.prepare(
            "SELECT 1 FROM album_assets AS aa JOIN albums AS al ON al.id = aa.album_id"
            " WHERE aa.album_id = ?1 AND aa.asset_id = ?2 AND al.owner_id = ?3");
        stmt.bind(1, albumId).bind(2, assetId).bind(3, ownerId);
        return stmt.step();
    });
}

Status SqliteSharedLinksRepository::createSharedLink(const storage::SharedLinkRecord& l) {
    return guarded("create shared link", [&]() -> Status {
        Savepoint savepoint(connection_);
        auto stmt = connection_.prepare(
            "INSERT INTO shared_links (id, owner_id, link_key, key_hash, album_id, expires_at, expires_at_us,"
            " password_hash, allow_download, created_at, created_at_us)"
            " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)");
        stmt.bind(1, l.id).bind(2, l.ownerId).bind(3, l.key).bind(4, l.keyHash);
        if (l.albumId) {
            stmt.bind(5, *l.albumId);
        } else {
            stmt.bindNull(5);
        }
        if (l.expiresAt) {
            stmt.bind(6, *l.expiresAt);
        } else {
            stmt.bindNull(6);
        }
        stmt.bind(7, l.expiresAtUs);
        if (l.passwordHash) {
            stmt.bind(8, *l.passwordHash);
        } else {
            stmt.bindNull(8);
        }
        stmt.bind(9, l.allowDownload).bind(10, l.createdAt).bind(11, l.createdAtUs);
        stmt.run();
        for (const auto& assetId : std::set<std::string>(l.assetIds.begin(), l.assetIds.end())) {
            auto asset = connection_.prepare("INSERT INTO shared_link_assets (link_id, asset_id) VALUES (?1, ?2)");
            asset.bind(1, l.id).bind(2, assetId);
            asset.run();
        }
        savepoint.release();
        return {};
    });
}

Expected<std::optional<storage::SharedLinkRecord>> SqliteSharedLinksRepository::findSharedLinkByKeyHash(
    const std::string& keyHash) {
    return guarded("find shared link", [&]() -> Expected<std::optional<storage::SharedLinkRecord>> {
        auto stmt = connection_.prepare(std::string(kLinkColumns) + " WHERE key_hash = ?1");
        stmt.bind(1, keyHash);
        if (!stmt.step()) return std::optional<storage::SharedLinkRecord>();
        return std::optional<storage::SharedLinkRecord>(readLink(connection_, stmt));
    });
}

Expected<std::vector<storage::SharedLinkRecord>> SqliteSharedLinksRepository::listSharedLinks(
    const std::string& ownerId) {
    return guarded("list shared links", [&]() -> Expected<std::vector<storage::SharedLinkRecord>> {
        auto stmt = connection_.prepare(std::string(kLinkColumns) +
                                        " WHERE owner_id = ?1 ORDER BY created_at_us DESC, id DESC");
        stmt.bind(1, ownerId);
        std::vector<storage::SharedLinkRecord> out;
        while (stmt.step()) out.push_back(readLink(connection_, stmt));
        return out;
    });
}

Expected<bool> SqliteSharedLinksRepository::deleteSharedLink(const std::string& ownerId, const std::string& id) {
    return guarded("delete shared link", [&]() -> Expected<bool> {
        auto stmt = connection_.prepare("DELETE FROM shared_links WHERE id = ?1 AND owner_id = ?2");
        stmt.bind(1, id).bind(2, ownerId);
        stmt.run();
        auto changes = connection_.prepare("SELECT changes()");
        return changes.step() && changes.int64(0) > 0;
    });
}

Expected<bool> SqliteSharedLinksRepository::sharedLinkHasAsset(const std::string& linkId, const std::string& assetId) {
    return guarded("shared link has asset", [&]() -> Expected<bool> {
        auto stmt = connection_.prepare(
            "SELECT 1 FROM shared_links AS l WHERE l.id = ?1 AND ("
            " EXISTS (SELECT 1 FROM shared_link_assets AS s WHERE s.link_id = l.id AND s.asset_id = ?2)"
            " OR EXISTS (SELECT 1 FROM album_assets AS aa WHERE aa.album_id = l.album_id AND aa.asset_id = ?2))");
        stmt.bind(1, linkId).bind(2, assetId);
        return stmt.step();
    });
}

}  // namespace obscura::sqlite

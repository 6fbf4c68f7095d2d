// Albums and share links. Multi-statement writes run atomically (the caller's transaction, or one of their own).
#include "sql_albums_repository.hpp"

#include <set>

#include "sql_asset_rows.hpp"
#include "sql_atomic.hpp"
#include "sql_dialect.hpp"

namespace obscura::sql {

// Album columns plus the live asset count (a live photo's hidden video left out, as the album's listing does) and
// the cover: the chosen one while still in the album, else the first asset added.
const std::string_view kAlbumSelect =
    "SELECT al.id, al.owner_id, al.name, al.description, al.thumbnail_asset_id, al.created_at, al.created_at_us,"
    " al.updated_at, al.parent_id, al.allow_download,"
    " (SELECT COUNT(*) FROM album_assets AS aa JOIN assets AS a ON a.id = aa.asset_id"
    "   WHERE aa.album_id = al.id AND a.is_trashed = 0 AND a.is_hidden = 0),"
    " COALESCE((SELECT aa.asset_id FROM album_assets AS aa WHERE aa.album_id = al.id"
    "            AND aa.asset_id = al.thumbnail_asset_id),"
    "          (SELECT aa.asset_id FROM album_assets AS aa JOIN assets AS a ON a.id = aa.asset_id"
    "            WHERE aa.album_id = al.id AND a.is_trashed = 0 AND a.is_hidden = 0"
    "            ORDER BY aa.added_at_us, aa.asset_id LIMIT 1))"
    " FROM albums AS al";

storage::AlbumView readAlbumRow(const Rows& row) {
    storage::AlbumView view;
    auto& a = view.album;
    a.id = row.text(0);
    a.ownerId = row.text(1);
    a.name = row.text(2);
    a.description = row.text(3);
    a.thumbnailAssetId = row.optionalText(4);
    a.createdAt = row.text(5);
    a.createdAtUs = row.int64(6);
    a.updatedAt = row.text(7);
    a.parentId = row.optionalText(8);
    a.allowDownload = row.boolean(9);
    view.assetCount = row.int64(10);
    view.coverAssetId = row.optionalText(11);
    return view;
}

namespace {

using storage::AlbumAssetChange;

bool ownsAlbum(Session& connection, const std::string& ownerId, const std::string& albumId) {
    auto stmt = connection.prepare("SELECT 1 FROM albums WHERE id = ? AND owner_id = ?");
    auto rows = stmt.bind(albumId, ownerId).query();
    return rows.next();
}

// The album's updatedAt, and the library versions of its owner and of the assets' owner (a member adding their
// own assets changes both listings).
void touchAlbumOf(Session& s, const std::string& albumOwnerId, const std::string& assetOwnerId,
                  const std::string& albumId, const std::string& updatedAt) {
    auto stmt = s.prepare("UPDATE albums SET updated_at = ? WHERE id = ?");
    stmt.bind(updatedAt, albumId).execute();
    bumpLibraryVersion(s, albumOwnerId);
    if (assetOwnerId != albumOwnerId) bumpLibraryVersion(s, assetOwnerId);
}

constexpr std::string_view kLinkColumns =
    "SELECT id, owner_id, link_key, key_hash, album_id, expires_at, expires_at_us, password_hash, allow_download,"
    " created_at, created_at_us FROM shared_links";

std::vector<storage::SharedLinkRecord> readLinks(Session& connection, Rows& rows) {
    std::vector<storage::SharedLinkRecord> out;
    while (rows.next()) {
        storage::SharedLinkRecord link;
        link.id = rows.text(0);
        link.ownerId = rows.text(1);
        link.key = rows.text(2);
        link.keyHash = rows.text(3);
        link.albumId = rows.optionalText(4);
        link.expiresAt = rows.optionalText(5);
        link.expiresAtUs = rows.optionalInt64(6);
        link.passwordHash = rows.optionalText(7);
        link.allowDownload = rows.boolean(8);
        link.createdAt = rows.text(9);
        link.createdAtUs = rows.int64(10);
        out.push_back(std::move(link));
    }
    // Rows are buffered: the asset sets are read after the links, on the same connection.
    for (auto& link : out) {
        auto stmt = connection.prepare("SELECT asset_id FROM shared_link_assets WHERE link_id = ? ORDER BY asset_id");
        auto assets = stmt.bind(link.id).query();
        while (assets.next()) link.assetIds.push_back(assets.text(0));
    }
    return out;
}

}  // namespace

Status SqlAlbumsRepository::createAlbum(const storage::AlbumRecord& a) {
    return guarded(s_, "create album", [&]() -> Status {
        auto stmt = s_.prepare(
            "INSERT INTO albums (id, owner_id, name, description, thumbnail_asset_id, created_at, created_at_us,"
            " updated_at, parent_id, allow_download) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        stmt.bind(a.id, a.ownerId, a.name, a.description, a.thumbnailAssetId, a.createdAt, a.createdAtUs, a.updatedAt,
                  a.parentId, a.allowDownload)
            .execute();
        return {};
    });
}

Expected<std::optional<storage::AlbumView>> SqlAlbumsRepository::findAlbum(const std::string& ownerId,
                                                                           const std::string& id) {
    return guarded(s_, "find album", [&]() -> Expected<std::optional<storage::AlbumView>> {
        auto stmt = s_.prepare(std::string(kAlbumSelect) + " WHERE al.id = ? AND al.owner_id = ?");
        auto rows = stmt.bind(id, ownerId).query();
        if (!rows.next()) return std::optional<storage::AlbumView>();
        return std::optional<storage::AlbumView>(readAlbumRow(rows));
    });
}

Expected<std::vector<storage::AlbumView>> SqlAlbumsRepository::listAlbums(const std::string& ownerId) {
    return guarded(s_, "list albums", [&]() -> Expected<std::vector<storage::AlbumView>> {
        auto stmt =
            s_.prepare(std::string(kAlbumSelect) + " WHERE al.owner_id = ? ORDER BY al.created_at_us DESC, al.id DESC");
        auto rows = stmt.bind(ownerId).query();
        std::vector<storage::AlbumView> out;
        while (rows.next()) out.push_back(readAlbumRow(rows));
        return out;
    });
}

Expected<storage::AssetWrite> SqlAlbumsRepository::updateAlbum(const std::string& ownerId, const std::string& id,
                                                               const storage::AlbumUpdate& u) {
    return guarded(s_, "update album", [&]() -> Expected<storage::AssetWrite> {
        // One statement; unset fields keep their value (the flags say which parameters apply).
        auto stmt = s_.prepare(
            "UPDATE albums SET name = CASE WHEN ? THEN ? ELSE name END,"
            " description = CASE WHEN ? THEN ? ELSE description END,"
            " thumbnail_asset_id = CASE WHEN ? THEN ? ELSE thumbnail_asset_id END,"
            " parent_id = CASE WHEN ? THEN ? ELSE parent_id END,"
            " allow_download = CASE WHEN ? THEN ? ELSE allow_download END, updated_at = ?"
            " WHERE id = ? AND owner_id = ?");
        std::optional<std::string> cover;
        if (u.thumbnailAssetId) cover = *u.thumbnailAssetId;
        std::optional<std::string> parent;
        if (u.parentId) parent = *u.parentId;
        const auto matched =
            stmt.bind(u.name.has_value(), u.name.value_or(""), u.description.has_value(), u.description.value_or(""),
                      u.thumbnailAssetId.has_value(), cover, u.parentId.has_value(), parent,
                      u.allowDownload.has_value(), u.allowDownload.value_or(true), u.updatedAt, id, ownerId)
                .execute();
        return matched > 0 ? storage::AssetWrite::Changed : storage::AssetWrite::NotFound;
    });
}

Expected<bool> SqlAlbumsRepository::deleteAlbum(const std::string& ownerId, const std::string& id) {
    return guarded(s_, "delete album", [&]() -> Expected<bool> {
        return atomically(s_, [&]() -> Expected<bool> {
            // Children move up to the album's own parent (the top level for a top-level album), in the same
            // transaction: no album is ever left pointing at a deleted one (docs/api.md, "Nested albums").
            auto parent = s_.prepare("SELECT parent_id FROM albums WHERE id = ? AND owner_id = ?" +
                                     std::string(s_.dialect().forUpdate));
            auto found = parent.bind(id, ownerId).query();
            if (!found.next()) return false;
            const auto grandparent = found.optionalText(0);
            auto reparent = s_.prepare("UPDATE albums SET parent_id = ? WHERE parent_id = ?");
            reparent.bind(grandparent, id).execute();
            auto stmt = s_.prepare("DELETE FROM albums WHERE id = ? AND owner_id = ?");
            if (stmt.bind(id, ownerId).execute() == 0) return false;
            bumpLibraryVersion(s_, ownerId);  // its album_assets rows went by the cascade
            return true;
        });
    });
}

std::vector<AlbumAssetChange> addAssetsOf(Session& s, const std::string& albumOwnerId, const std::string& assetOwnerId,
                                          const std::string& albumId, const std::vector<std::string>& assetIds,
                                          std::int64_t addedAtUs, const std::string& updatedAt) {
    std::vector<AlbumAssetChange> out;
    bool changed = false;
    for (const auto& assetId : assetIds) {
        // A shared lock on the asset row: a concurrent delete waits for this transaction, so the insert's
        // foreign key holds and IGNORE below can only mean "already in the album".
        auto live = s.prepare("SELECT 1 FROM assets WHERE id = ? AND owner_id = ? AND is_trashed = 0" +
                              std::string(s.dialect().shareLock));
        auto found = live.bind(assetId, assetOwnerId).query();
        if (!found.next()) {
            out.push_back(AlbumAssetChange::NotFound);
            continue;
        }
        auto insert = s.prepare(std::string(s.dialect().insertIgnore) +
                                " INTO album_assets (album_id, asset_id, added_at_us) VALUES (?, ?, ?)");
        const bool inserted = insert.bind(albumId, assetId, addedAtUs).execute() > 0;
        changed = changed || inserted;
        out.push_back(inserted ? AlbumAssetChange::Done : AlbumAssetChange::Duplicate);
    }
    if (changed) touchAlbumOf(s, albumOwnerId, assetOwnerId, albumId, updatedAt);
    return out;
}

std::vector<AlbumAssetChange> removeAssetsOf(Session& s, const std::string& albumOwnerId,
                                             const std::string* assetOwnerId, const std::string& albumId,
                                             const std::vector<std::string>& assetIds, const std::string& updatedAt) {
    std::vector<AlbumAssetChange> out;
    bool changed = false;
    for (const auto& assetId : assetIds) {
        bool done = false;
        if (assetOwnerId == nullptr) {
            auto remove = s.prepare("DELETE FROM album_assets WHERE album_id = ? AND asset_id = ?");
            done = remove.bind(albumId, assetId).execute() > 0;
        } else {
            auto remove = s.prepare(
                "DELETE FROM album_assets WHERE album_id = ? AND asset_id = ?"
                " AND EXISTS (SELECT 1 FROM assets AS a WHERE a.id = ? AND a.owner_id = ?)");
            done = remove.bind(albumId, assetId, assetId, *assetOwnerId).execute() > 0;
        }
        changed = changed || done;
        out.push_back(done ? AlbumAssetChange::Done : AlbumAssetChange::NotFound);
    }
    if (changed) touchAlbumOf(s, albumOwnerId, assetOwnerId ? *assetOwnerId : albumOwnerId, albumId, updatedAt);
    return out;
}

Expected<std::vector<AlbumAssetChange>> SqlAlbumsRepository::addAlbumAssets(const std::string& ownerId,
                                                                            const std::string& albumId,
                                                                            const std::vector<std::string>& assetIds,
                                                                            std::int64_t addedAtUs,
                                                                            const std::string& updatedAt) {
    return guarded(s_, "add album assets", [&]() -> Expected<std::vector<AlbumAssetChange>> {
        return atomically(s_, [&]() -> Expected<std::vector<AlbumAssetChange>> {
            if (!ownsAlbum(s_, ownerId, albumId)) return notFound("album not found");
            return addAssetsOf(s_, ownerId, ownerId, albumId, assetIds, addedAtUs, updatedAt);
        });
    });
}

Expected<std::vector<AlbumAssetChange>> SqlAlbumsRepository::removeAlbumAssets(const std::string& ownerId,
                                                                               const std::string& albumId,
                                                                               const std::vector<std::string>& assetIds,
                                                                               const std::string& updatedAt) {
    return guarded(s_, "remove album assets", [&]() -> Expected<std::vector<AlbumAssetChange>> {
        return atomically(s_, [&]() -> Expected<std::vector<AlbumAssetChange>> {
            if (!ownsAlbum(s_, ownerId, albumId)) return notFound("album not found");
            return removeAssetsOf(s_, ownerId, nullptr, albumId, assetIds, updatedAt);
        });
    });
}

Expected<bool> SqlAlbumsRepository::albumHasAsset(const std::string& ownerId, const std::string& albumId,
                                                  const std::string& assetId) {
    return guarded(s_, "album has asset", [&]() -> Expected<bool> {
        auto stmt = s_.prepare(
            "SELECT 1 FROM album_assets AS aa JOIN albums AS al ON al.id = aa.album_id"
            " WHERE aa.album_id = ? AND aa.asset_id = ? AND al.owner_id = ?");
        auto rows = stmt.bind(albumId, assetId, ownerId).query();
        return rows.next();
    });
}

Status SqlSharedLinksRepository::createSharedLink(const storage::SharedLinkRecord& l) {
    return guarded(s_, "create shared link", [&]() -> Status {
        return atomically(s_, [&]() -> Status {
            auto stmt = s_.prepare(
                "INSERT INTO shared_links (id, owner_id, link_key, key_hash, album_id, expires_at, expires_at_us,"
                " password_hash, allow_download, created_at, created_at_us) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
            stmt.bind(l.id, l.ownerId, l.key, l.keyHash, l.albumId, l.expiresAt, l.expiresAtUs, l.passwordHash,
                      l.allowDownload, l.createdAt, l.createdAtUs)
                .execute();
            for (const auto& assetId : std::set<std::string>(l.assetIds.begin(), l.assetIds.end())) {
                auto asset = s_.prepare("INSERT INTO shared_link_assets (link_id, asset_id) VALUES (?, ?)");
                asset.bind(l.id, assetId).execute();
            }
            return {};
        });
    });
}

Expected<std::optional<storage::SharedLinkRecord>> SqlSharedLinksRepository::findSharedLinkByKeyHash(
    const std::string& keyHash) {
    return guarded(s_, "find shared link", [&]() -> Expected<std::optional<storage::SharedLinkRecord>> {
        auto stmt = s_.prepare(std::string(kLinkColumns) + " WHERE key_hash = ?");
        auto rows = stmt.bind(keyHash).query();
        auto links = readLinks(s_, rows);
        if (links.empty()) return std::optional<storage::SharedLinkRecord>();
        return std::optional<storage::SharedLinkRecord>(std::move(links.front()));
    });
}

Expected<std::vector<storage::SharedLinkRecord>> SqlSharedLinksRepository::listSharedLinks(const std::string& ownerId) {
    return guarded(s_, "list shared links", [&]() -> Expected<std::vector<storage::SharedLinkRecord>> {
        auto stmt = s_.prepare(std::string(kLinkColumns) + " WHERE owner_id = ? ORDER BY created_at_us DESC, id DESC");
        auto rows = stmt.bind(ownerId).query();
        return readLinks(s_, rows);
    });
}

Expected<bool> SqlSharedLinksRepository::deleteSharedLink(const std::string& ownerId, const std::string& id) {
    return guarded(s_, "delete shared link", [&]() -> Expected<bool> {
        auto stmt = s_.prepare("DELETE FROM shared_links WHERE id = ? AND owner_id = ?");
        return stmt.bind(id, ownerId).execute() > 0;
    });
}

Expected<bool> SqlSharedLinksRepository::sharedLinkHasAsset(const std::string& linkId, const std::string& assetId) {
    return guarded(s_, "shared link has asset", [&]() -> Expected<bool> {
        auto stmt = s_.prepare(
            "SELECT 1 FROM shared_links AS l WHERE l.id = ? AND ("
            " EXISTS (SELECT 1 FROM shared_link_assets AS s WHERE s.link_id = l.id AND s.asset_id = ?)"
            " OR EXISTS (SELECT 1 FROM album_assets AS aa WHERE aa.album_id = l.album_id AND aa.asset_id = ?))");
        auto rows = stmt.bind(linkId, assetId, assetId).query();
        return rows.next();
    });
}

}  // namespace obscura::sql

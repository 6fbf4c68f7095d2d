// The album tree, album access and assets across owners (AlbumSharingRepository). The role queries walk the tree
// with a recursive CTE (SQLite and MariaDB 10.11 both have WITH RECURSIVE); every walk is bounded by kMaxDepth so
// that a cycle — which the module refuses to create — could never make a query run away.
#include "sql_album_sharing_repository.hpp"

#include <string>

#include "sql_albums_repository.hpp"
#include "sql_asset_rows.hpp"
#include "sql_atomic.hpp"
#include "sql_dialect.hpp"
#include "sql_sharing_rows.hpp"

namespace obscura::sql {

namespace {

using storage::AlbumAssetChange;
using storage::AlbumRole;

// Deeper trees than this are not walked (the module refuses to nest deeper: AlbumSharing's kMaxAlbumDepth).
constexpr int kMaxDepth = 64;

// The caller's membership rows on the albums of `chain`: direct and through a group, each as 1 (viewer) or
// 2 (editor). Parameters: the user id twice.
const std::string kChainRoles =
    "SELECT " + roleValue("au.role") +
    " AS r FROM album_users AS au JOIN chain AS c ON au.album_id = c.id WHERE au.user_id = ?"
    " UNION ALL SELECT " +
    roleValue("ag.role") +
    " AS r FROM album_groups AS ag JOIN chain AS c ON ag.album_id = c.id"
    " JOIN group_members AS gm ON gm.group_id = ag.group_id WHERE gm.user_id = ?";

// The album and its ancestors. Parameter: the album id.
const std::string kChain =
    "WITH RECURSIVE chain (id, parent_id, depth) AS ("
    " SELECT id, parent_id, 0 FROM albums WHERE id = ?"
    " UNION ALL SELECT p.id, p.parent_id, c.depth + 1 FROM albums AS p JOIN chain AS c ON p.id = c.parent_id"
    " WHERE c.depth < " +
    std::to_string(kMaxDepth) + ") ";

// kAlbumSelect with one more column after its own (which end with " FROM albums AS al").
std::string withColumn(std::string_view select, std::string_view column) {
    std::string sql(select);
    sql.insert(sql.rfind(" FROM albums AS al"), ", " + std::string(column));
    return sql;
}

std::optional<std::string> albumOwner(Session& s, const std::string& albumId) {
    auto stmt = s.prepare("SELECT owner_id FROM albums WHERE id = ?");
    auto rows = stmt.bind(albumId).query();
    if (!rows.next()) return std::nullopt;
    return rows.text(0);
}

}  // namespace

Expected<std::optional<storage::AlbumView>> SqlAlbumSharingRepository::findAnyAlbum(const std::string& albumId) {
    return guarded(s_, "find album", [&]() -> Expected<std::optional<storage::AlbumView>> {
        auto stmt = s_.prepare(std::string(kAlbumSelect) + " WHERE al.id = ?");
        auto rows = stmt.bind(albumId).query();
        if (!rows.next()) return std::optional<storage::AlbumView>();
        return std::optional<storage::AlbumView>(readAlbumRow(rows));
    });
}

Expected<AlbumRole> SqlAlbumSharingRepository::memberRole(const std::string& userId, const std::string& albumId) {
    return guarded(s_, "album member role", [&]() -> Expected<AlbumRole> {
        auto stmt = s_.prepare(kChain + "SELECT COALESCE(MAX(r), 0) FROM (" + kChainRoles + ") AS roles");
        auto rows = stmt.bind(albumId, userId, userId).query();
        return rows.next() ? roleOfValue(rows.int64(0)) : AlbumRole::None;
    });
}

Expected<std::vector<std::string>> SqlAlbumSharingRepository::albumChain(const std::string& albumId) {
    return guarded(s_, "album chain", [&]() -> Expected<std::vector<std::string>> {
        auto stmt = s_.prepare(kChain + "SELECT id FROM chain ORDER BY depth");
        auto rows = stmt.bind(albumId).query();
        std::vector<std::string> out;
        while (rows.next()) out.push_back(rows.text(0));
        return out;
    });
}

Expected<std::vector<storage::AlbumView>> SqlAlbumSharingRepository::listChildAlbums(const std::string& ownerId,
                                                                                     const std::string& parentId) {
    return guarded(s_, "list child albums", [&]() -> Expected<std::vector<storage::AlbumView>> {
        auto stmt =
            s_.prepare(std::string(kAlbumSelect) +
                       " WHERE al.parent_id = ? AND al.owner_id = ? ORDER BY al.created_at_us DESC, al.id DESC");
        auto rows = stmt.bind(parentId, ownerId).query();
        std::vector<storage::AlbumView> out;
        while (rows.next()) out.push_back(readAlbumRow(rows));
        return out;
    });
}

Expected<std::vector<storage::SharedAlbum>> SqlAlbumSharingRepository::listAlbumsSharedWith(const std::string& userId) {
    return guarded(s_, "list albums shared with", [&]() -> Expected<std::vector<storage::SharedAlbum>> {
        // The albums the user was given (directly or through a group), then their descendants with the same role.
        const std::string sql =
            "WITH RECURSIVE granted (id, r, depth) AS ("
            " SELECT d.album_id, d.r, 0 FROM (SELECT au.album_id AS album_id, " +
            roleValue("au.role") +
            " AS r FROM album_users AS au WHERE au.user_id = ?"
            "  UNION ALL SELECT ag.album_id AS album_id, " +
            roleValue("ag.role") +
            " AS r FROM album_groups AS ag JOIN group_members AS gm ON gm.group_id = ag.group_id"
            "  WHERE gm.user_id = ?) AS d"
            " UNION ALL SELECT ch.id, g.r, g.depth + 1 FROM albums AS ch JOIN granted AS g ON ch.parent_id = g.id"
            " WHERE g.depth < " +
            std::to_string(kMaxDepth) + ") " + withColumn(kAlbumSelect, "best.role") +
            " JOIN (SELECT id AS album_id, MAX(r) AS role FROM granted GROUP BY id) AS best ON best.album_id = al.id"
            " WHERE al.owner_id <> ? ORDER BY al.created_at_us DESC, al.id DESC";
        auto stmt = s_.prepare(sql);
        auto rows = stmt.bind(userId, userId, userId).query();
        std::vector<storage::SharedAlbum> out;
        while (rows.next()) {
            storage::SharedAlbum shared;
            shared.view = readAlbumRow(rows);
            shared.role = roleOfValue(rows.int64(kAlbumSelectColumns));
            out.push_back(std::move(shared));
        }
        return out;
    });
}

Expected<std::vector<storage::AlbumView>> SqlAlbumSharingRepository::listAlbumsSharedBy(const std::string& ownerId) {
    return guarded(s_, "list albums shared by", [&]() -> Expected<std::vector<storage::AlbumView>> {
        auto stmt = s_.prepare(std::string(kAlbumSelect) +
                               " WHERE al.owner_id = ? AND (EXISTS (SELECT 1 FROM album_users AS au"
                               " WHERE au.album_id = al.id) OR EXISTS (SELECT 1 FROM album_groups AS ag"
                               " WHERE ag.album_id = al.id)) ORDER BY al.created_at_us DESC, al.id DESC");
        auto rows = stmt.bind(ownerId).query();
        std::vector<storage::AlbumView> out;
        while (rows.next()) out.push_back(readAlbumRow(rows));
        return out;
    });
}

Expected<std::optional<storage::AssetRecord>> SqlAlbumSharingRepository::findAlbumAsset(const std::string& assetId) {
    return guarded(s_, "find album asset", [&]() -> Expected<std::optional<storage::AssetRecord>> {
        auto stmt = s_.prepare("SELECT " + std::string(kAssetColumns) +
                               " FROM assets AS a WHERE a.id = ? AND EXISTS (SELECT 1 FROM album_assets AS aa"
                               " WHERE aa.asset_id = a.id)");
        auto rows = stmt.bind(assetId).query();
        if (!rows.next()) return std::optional<storage::AssetRecord>();
        return std::optional<storage::AssetRecord>(readAssetRow(rows));
    });
}

Expected<std::vector<storage::AlbumRecord>> SqlAlbumSharingRepository::albumsHoldingAsset(const std::string& assetId) {
    return guarded(s_, "albums holding asset", [&]() -> Expected<std::vector<storage::AlbumRecord>> {
        auto stmt = s_.prepare(
            "SELECT al.id, al.owner_id, al.parent_id, al.allow_download FROM album_assets AS aa"
            " JOIN albums AS al ON al.id = aa.album_id WHERE aa.asset_id = ? ORDER BY al.id");
        auto rows = stmt.bind(assetId).query();
        std::vector<storage::AlbumRecord> out;
        while (rows.next()) {
            storage::AlbumRecord album;
            album.id = rows.text(0);
            album.ownerId = rows.text(1);
            album.parentId = rows.optionalText(2);
            album.allowDownload = rows.boolean(3);
            out.push_back(std::move(album));
        }
        return out;
    });
}

Expected<std::vector<storage::AssetRecord>> SqlAlbumSharingRepository::listAlbumAssets(
    const std::string& albumId, const std::optional<storage::AssetCursor>& after, int limit) {
    return guarded(s_, "list album assets", [&]() -> Expected<std::vector<storage::AssetRecord>> {
        std::string sql = "SELECT " + std::string(kAssetColumns) +
                          " FROM album_assets AS aa JOIN assets AS a ON a.id = aa.asset_id"
                          " WHERE aa.album_id = ? AND a.is_trashed = 0 AND a.is_hidden = 0";
        if (after) sql += " AND (a.taken_at_us < ? OR (a.taken_at_us = ? AND a.id < ?))";
        sql += " ORDER BY a.taken_at_us DESC, a.id DESC LIMIT ?";
        auto stmt = s_.prepare(sql);
        const std::int64_t bounded = std::max(1, std::min(limit, 1000));
        if (after) {
            stmt.bind(albumId, after->takenAtUs, after->takenAtUs, after->id, bounded);
        } else {
            stmt.bind(albumId, bounded);
        }
        auto rows = stmt.query();
        std::vector<storage::AssetRecord> out;
        while (rows.next()) out.push_back(readAssetRow(rows));
        return out;
    });
}

Expected<std::vector<AlbumAssetChange>> SqlAlbumSharingRepository::addOwnAssets(
    const std::string& userId, const std::string& albumId, const std::vector<std::string>& assetIds,
    std::int64_t addedAtUs, const std::string& updatedAt) {
    return guarded(s_, "add own album assets", [&]() -> Expected<std::vector<AlbumAssetChange>> {
        return atomically(s_, [&]() -> Expected<std::vector<AlbumAssetChange>> {
            const auto owner = albumOwner(s_, albumId);
            if (!owner) return notFound("album not found");
            return addAssetsOf(s_, *owner, userId, albumId, assetIds, addedAtUs, updatedAt);
        });
    });
}

Expected<std::vector<AlbumAssetChange>> SqlAlbumSharingRepository::removeOwnAssets(
    const std::string& userId, const std::string& albumId, const std::vector<std::string>& assetIds,
    const std::string& updatedAt) {
    return guarded(s_, "remove own album assets", [&]() -> Expected<std::vector<AlbumAssetChange>> {
        return atomically(s_, [&]() -> Expected<std::vector<AlbumAssetChange>> {
            const auto owner = albumOwner(s_, albumId);
            if (!owner) return notFound("album not found");
            return removeAssetsOf(s_, *owner, &userId, albumId, assetIds, updatedAt);
        });
    });
}

}  // namespace obscura::sql

// The images repository's listings and aggregates. Every listing is keyset-paginated and ordered by an index
// (see each plugin's images migrations); none uses OFFSET.
#include <algorithm>

#include "sql_asset_query.hpp"
#include "sql_asset_rows.hpp"
#include "sql_dialect.hpp"
#include "sql_images_repository.hpp"

namespace obscura::sql {

namespace {

constexpr int kMaxPage = 500;

int clampLimit(int limit) { return std::clamp(limit, 1, kMaxPage); }

std::vector<storage::AssetRecord> readAll(Statement& stmt) {
    auto rows = stmt.query();
    std::vector<storage::AssetRecord> assets;
    while (rows.next()) assets.push_back(readAssetRow(rows));
    return assets;
}

}  // namespace

Expected<storage::AssetPage> SqlImagesRepository::listAssets(const storage::AssetQuery& query) {
    return guarded(s_, "list assets", [&]() -> Expected<storage::AssetPage> {
        OBSCURA_TRY(sql, buildFilterSql(s_, query.filter));
        if (sql.matchesNothing) return storage::AssetPage{};
        const bool desc = query.order == storage::SortOrder::Desc;
        std::string where = sql.where;
        if (query.after) {
            const char* beyond = desc ? " < " : " > ";
            if (s_.dialect().rowValueKeyset) {
                where +=
                    " AND (" + sql.keyTime + ", " + sql.keyId + ")" + beyond + "(" + sql.param(query.after->takenAtUs);
                where += ", " + sql.param(query.after->id) + ")";
            } else {
                // Spelled out where a row comparison does not become an index range (MySQL).
                where += " AND (" + sql.keyTime + beyond + sql.param(query.after->takenAtUs);
                where += " OR (" + sql.keyTime + " = " + sql.param(query.after->takenAtUs);
                where += " AND " + sql.keyId + beyond + sql.param(query.after->id) + "))";
            }
        }
        const int limit = clampLimit(query.limit);
        const std::string direction = desc ? " DESC" : " ASC";
        // One row more than asked tells whether another page follows without a second query.
        const std::string text = "SELECT " + std::string(kAssetColumns) + " FROM " + sql.from + " WHERE " + where +
                                 " ORDER BY " + sql.keyTime + direction + ", " + sql.keyId + direction + " LIMIT " +
                                 sql.param(static_cast<std::int64_t>(limit) + 1);
        auto stmt = s_.prepare(text);
        sql.bindAll(stmt);
        storage::AssetPage page;
        page.items = readAll(stmt);
        if (page.items.size() > static_cast<std::size_t>(limit)) {
            page.items.pop_back();
            page.hasMore = true;
        }
        return page;
    });
}

Expected<std::vector<storage::TimelineBucket>> SqlImagesRepository::timeline(const storage::AssetFilter& filter) {
    return guarded(s_, "timeline", [&]() -> Expected<std::vector<storage::TimelineBucket>> {
        OBSCURA_TRY(sql, buildFilterSql(s_, filter));
        if (sql.matchesNothing) return std::vector<storage::TimelineBucket>{};
        auto stmt = s_.prepare("SELECT a.taken_month, COUNT(*) FROM " + sql.from + " WHERE " + sql.where +
                               " GROUP BY a.taken_month ORDER BY a.taken_month DESC");
        sql.bindAll(stmt);
        auto rows = stmt.query();
        std::vector<storage::TimelineBucket> buckets;
        while (rows.next()) buckets.push_back({rows.text(0), rows.int64(1)});
        return buckets;
    });
}

Expected<std::vector<storage::TagCount>> SqlImagesRepository::tags(const std::string& ownerId) {
    return guarded(s_, "tags", [&]() -> Expected<std::vector<storage::TagCount>> {
        // MIN(tag): of spellings differing only in ASCII case, one stable representative.
        const Dialect& d = s_.dialect();
        auto stmt = s_.prepare("SELECT MIN(t.tag), COUNT(*) FROM " + std::string(d.tagJoin) +
                               " WHERE t.owner_id = ? AND a.is_trashed = 0 GROUP BY " + std::string(d.tagKeyColumn) +
                               " ORDER BY " + std::string(d.tagKeyColumn));
        auto rows = stmt.bind(ownerId).query();
        std::vector<storage::TagCount> tags;
        while (rows.next()) tags.push_back({rows.text(0), rows.int64(1)});
        return tags;
    });
}

Expected<storage::AssetUsage> SqlImagesRepository::usage(const std::string& ownerId, const std::string& month) {
    return guarded(s_, "usage", [&]() -> Expected<storage::AssetUsage> {
        storage::AssetUsage usage;
        auto totals = s_.prepare(
            "SELECT assets, images, videos, bytes_originals, bytes_derived FROM asset_usage WHERE owner_id = ?");
        {
            auto rows = totals.bind(ownerId).query();
            if (rows.next()) {
                usage.assets = rows.int64(0);
                usage.images = rows.int64(1);
                usage.videos = rows.int64(2);
                usage.bytesOriginals = rows.int64(3);
                usage.bytesDerived = rows.int64(4);
            }
        }
        auto bandwidth = s_.prepare("SELECT bytes FROM asset_bandwidth WHERE owner_id = ? AND month = ?");
        auto rows = bandwidth.bind(ownerId, month).query();
        if (rows.next()) usage.bandwidthBytesThisMonth = rows.int64(0);
        return usage;
    });
}

Expected<std::vector<storage::AssetRecord>> SqlImagesRepository::listTrashedBefore(std::int64_t trashedBeforeUs,
                                                                                   int limit) {
    return guarded(s_, "list trashed before", [&]() -> Expected<std::vector<storage::AssetRecord>> {
        auto stmt = s_.prepare("SELECT " + std::string(kAssetColumns) +
                               " FROM assets AS a WHERE a.is_trashed = 1 AND a.trashed_at_us < ?"
                               " ORDER BY a.trashed_at_us, a.id LIMIT ?");
        stmt.bind(trashedBeforeUs, clampLimit(limit));
        return readAll(stmt);
    });
}

Expected<std::vector<storage::AssetRecord>> SqlImagesRepository::listOwnerAssets(const std::string& ownerId,
                                                                                 const std::string& afterId,
                                                                                 int limit) {
    return guarded(s_, "list owner assets", [&]() -> Expected<std::vector<storage::AssetRecord>> {
        auto stmt = s_.prepare("SELECT " + std::string(kAssetColumns) +
                               " FROM assets AS a WHERE a.owner_id = ? AND a.id > ? ORDER BY a.id LIMIT ?");
        stmt.bind(ownerId, afterId, clampLimit(limit));
        return readAll(stmt);
    });
}

Expected<std::vector<storage::AssetRecord>> SqlImagesRepository::listAllAssets(const std::string& afterId, int limit) {
    return guarded(s_, "list all assets", [&]() -> Expected<std::vector<storage::AssetRecord>> {
        auto stmt = s_.prepare("SELECT " + std::string(kAssetColumns) +
                               " FROM assets AS a WHERE a.id > ? ORDER BY a.id LIMIT ?");
        stmt.bind(afterId, clampLimit(limit));
        return readAll(stmt);
    });
}

}  // namespace obscura::sql

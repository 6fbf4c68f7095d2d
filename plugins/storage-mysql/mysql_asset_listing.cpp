// The images repository's listings and aggregates. Every listing is keyset-paginated and ordered by an index
// (see the images migration in mysql_schema.cpp); none uses OFFSET.
#include <algorithm>

#include "mysql_asset_query.hpp"
#include "mysql_asset_rows.hpp"
#include "mysql_errors.hpp"
#include "mysql_images_repository.hpp"

namespace obscura::mysql {

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

Expected<storage::AssetPage> MysqlImagesRepository::listAssets(const storage::AssetQuery& query) {
    return guarded("list assets", [&]() -> Expected<storage::AssetPage> {
        OBSCURA_TRY(sql, buildFilterSql(query.filter));
        if (sql.matchesNothing) return storage::AssetPage{};
        const bool desc = query.order == storage::SortOrder::Desc;
        std::string where = sql.where;
        if (query.after) {
            // Spelled out rather than a row comparison, which MySQL does not turn into an index range.
            const char* beyond = desc ? " < " : " > ";
            where += " AND (" + sql.keyTime + beyond + sql.param(query.after->takenAtUs);
            where += " OR (" + sql.keyTime + " = " + sql.param(query.after->takenAtUs);
            where += " AND " + sql.keyId + beyond + sql.param(query.after->id) + "))";
        }
        const int limit = clampLimit(query.limit);
        const std::string direction = desc ? " DESC" : " ASC";
        // One row more than asked tells whether another page follows without a second query.
        const std::string text = "SELECT " + std::string(kAssetColumns) + " FROM " + sql.from + " WHERE " + where +
                                 " ORDER BY " + sql.keyTime + direction + ", " + sql.keyId + direction + " LIMIT " +
                                 sql.param(static_cast<std::int64_t>(limit) + 1);
        auto stmt = connection_.prepare(text);
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

Expected<std::vector<storage::TimelineBucket>> MysqlImagesRepository::timeline(const storage::AssetFilter& filter) {
    return guarded("timeline", [&]() -> Expected<std::vector<storage::TimelineBucket>> {
        OBSCURA_TRY(sql, buildFilterSql(filter));
        if (sql.matchesNothing) return std::vector<storage::TimelineBucket>{};
        auto stmt = connection_.prepare("SELECT a.taken_month, COUNT(*) FROM " + sql.from + " WHERE " + sql.where +
                                        " GROUP BY a.taken_month ORDER BY a.taken_month DESC");
        sql.bindAll(stmt);
        auto rows = stmt.query();
        std::vector<storage::TimelineBucket> buckets;
        while (rows.next()) buckets.push_back({rows.text(0), rows.int64(1)});
        return buckets;
    });
}

Expected<std::vector<storage::TagCount>> MysqlImagesRepository::tags(const std::string& ownerId) {
    return guarded("tags", [&]() -> Expected<std::vector<storage::TagCount>> {
        // MIN(tag): of spellings differing only in ASCII case, one stable representative.
        auto stmt = connection_.prepare(
            "SELECT MIN(t.tag), COUNT(*) FROM asset_tags AS t JOIN assets AS a ON a.seq = t.asset_seq"
            " WHERE t.owner_id = ? AND a.is_trashed = 0 GROUP BY t.tag_key ORDER BY t.tag_key");
        auto rows = stmt.bind(ownerId).query();
        std::vector<storage::TagCount> tags;
        while (rows.next()) tags.push_back({rows.text(0), rows.int64(1)});
        return tags;
    });
}

Expected<storage::AssetUsage> MysqlImagesRepository::usage(const std::string& ownerId, const std::string& month) {
    return guarded("usage", [&]() -> Expected<storage::AssetUsage> {
        storage::AssetUsage usage;
        auto totals = connection_.prepare(
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
        auto bandwidth = connection_.prepare("SELECT bytes FROM asset_bandwidth WHERE owner_id = ? AND month = ?");
        auto rows = bandwidth.bind(ownerId, month).query();
        if (rows.next()) usage.bandwidthBytesThisMonth = rows.int64(0);
        return usage;
    });
}

Expected<std::vector<storage::AssetRecord>> MysqlImagesRepository::listTrashedBefore(std::int64_t trashedBeforeUs,
                                                                                     int limit) {
    return guarded("list trashed before", [&]() -> Expected<std::vector<storage::AssetRecord>> {
        auto stmt = connection_.prepare("SELECT " + std::string(kAssetColumns) +
                                        " FROM assets AS a WHERE a.is_trashed = 1 AND a.trashed_at_us < ?"
                                        " ORDER BY a.trashed_at_us, a.id LIMIT ?");
        stmt.bind(trashedBeforeUs, clampLimit(limit));
        return readAll(stmt);
    });
}

Expected<std::vector<storage::AssetRecord>> MysqlImagesRepository::listOwnerAssets(const std::string& ownerId,
                                                                                   const std::string& afterId,
                                                                                   int limit) {
    return guarded("list owner assets", [&]() -> Expected<std::vector<storage::AssetRecord>> {
        auto stmt = connection_.prepare("SELECT " + std::string(kAssetColumns) +
                                        " FROM assets AS a WHERE a.owner_id = ? AND a.id > ? ORDER BY a.id LIMIT ?");
        stmt.bind(ownerId, afterId, clampLimit(limit));
        return readAll(stmt);
    });
}

Expected<std::vector<storage::AssetRecord>> MysqlImagesRepository::listAllAssets(const std::string& afterId,
                                                                                 int limit) {
    return guarded("list all assets", [&]() -> Expected<std::vector<storage::AssetRecord>> {
        auto stmt = connection_.prepare("SELECT " + std::string(kAssetColumns) +
                                        " FROM assets AS a WHERE a.id > ? ORDER BY a.id LIMIT ?");
        stmt.bind(afterId, clampLimit(limit));
        return readAll(stmt);
    });
}

}  // namespace obscura::mysql

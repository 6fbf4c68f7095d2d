// The images repository's listings and aggregates. Every listing is keyset-paginated and ordered by an index
// (see the images migration in sqlite_schema.cpp); none uses OFFSET.
#include <algorithm>

#include "sqlite_asset_query.hpp"
#include "sqlite_asset_rows.hpp"
#include "sqlite_errors.hpp"
#include "sqlite_images_repository.hpp"

namespace obscura::sqlite {

namespace {

constexpr int kMaxPage = 500;

int clampLimit(int limit) { return std::clamp(limit, 1, kMaxPage); }

std::vector<storage::AssetRecord> readAll(Statement& stmt) {
    std::vector<storage::AssetRecord> rows;
    while (stmt.step()) rows.push_back(readAssetRow(stmt));
    return rows;
}

}  // namespace

Expected<storage::AssetPage> SqliteImagesRepository::listAssets(const storage::AssetQuery& query) {
    return guarded("list assets", [&]() -> Expected<storage::AssetPage> {
        OBSCURA_TRY(sql, buildFilterSql(query.filter, chooseSearchPlan(connection_, query.filter)));
        if (sql.matchesNothing) return storage::AssetPage{};
        const bool desc = query.order == storage::SortOrder::Desc;
        std::string where = sql.where;
        if (query.after) {
            where += " AND (" + sql.keyTime + ", " + sql.keyId + ") " + (desc ? "<" : ">") + " (" +
                     sql.param(query.after->takenAtUs) + ", " + sql.param(query.after->id) + ")";
        }
        const int limit = clampLimit(query.limit);
        const std::string direction = desc ? " DESC" : " ASC";
        // One row more than asked tells whether another page follows without a second query.
        const std::string text = "SELECT " + std::string(kAssetColumns) + " FROM " + sql.from + " WHERE " + where +
                                 " ORDER BY " + sql.keyTime + direction + ", " + sql.keyId + direction +
                                 " LIMIT " + sql.param(static_cast<std::int64_t>(limit) + 1);
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

Expected<std::vector<storage::TimelineBucket>> SqliteImagesRepository::timeline(const storage::AssetFilter& filter) {
    return guarded("timeline", [&]() -> Expected<std::vector<storage::TimelineBucket>> {
        OBSCURA_TRY(sql, buildFilterSql(filter, chooseSearchPlan(connection_, filter)));
        if (sql.matchesNothing) return std::vector<storage::TimelineBucket>{};
        auto stmt = connection_.prepare("SELECT a.taken_month, COUNT(*) FROM " + sql.from + " WHERE " + sql.where +
                                        " GROUP BY a.taken_month ORDER BY a.taken_month DESC");
        sql.bindAll(stmt);
        std::vector<storage::TimelineBucket> buckets;
        while (stmt.step()) buckets.push_back({stmt.text(0), stmt.int64(1)});
        return buckets;
    });
}

Expected<std::vector<storage::TagCount>> SqliteImagesRepository::tags(const std::string& ownerId) {
    return guarded("tags", [&]() -> Expected<std::vector<storage::TagCount>> {
        // min(tag): of spellings differing only in ASCII case, one stable representative.
        auto stmt = connection_.prepare(
            "SELECT min(t.tag), COUNT(*) FROM asset_tags AS t JOIN assets AS a ON a.id = t.asset_id"
            " WHERE t.owner_id = ?1 AND a.is_trashed = 0 GROUP BY t.tag ORDER BY t.tag");
        stmt.bind(1, ownerId);
        std::vector<storage::TagCount> tags;
        while (stmt.step()) tags.push_back({stmt.text(0), stmt.int64(1)});
        return tags;
    });
}

Expected<storage::AssetUsage> SqliteImagesRepository::usage(const std::string& ownerId, const std::string& month) {
    return guarded("usage", [&]() -> Expected<storage::AssetUsage> {
        storage::AssetUsage usage;
        auto totals = connection_.prepare(
            "SELECT assets, images, videos, bytes_originals, bytes_derived FROM asset_usage WHERE owner_id = ?1");
        totals.bind(1, ownerId);
        if (totals.step()) {
            usage.assets = totals.int64(0);
            usage.images = totals.int64(1);
            usage.videos = totals.int64(2);
            usage.bytesOriginals = totals.int64(3);
            usage.bytesDerived = totals.int64(4);
        }
        auto bandwidth = connection_.prepare("SELECT bytes FROM asset_bandwidth WHERE owner_id = ?1 AND month = ?2");
        bandwidth.bind(1, ownerId).bind(2, month);
        if (bandwidth.step()) usage.bandwidthBytesThisMonth = bandwidth.int64(0);
        return usage;
    });
}

Expected<std::vector<storage::AssetRecord>> SqliteImagesRepository::listTrashedBefore(std::int64_t trashedBeforeUs,
                                                                                      int limit) {
    return guarded("list trashed before", [&]() -> Expected<std::vector<storage::AssetRecord>> {
        auto stmt = connection_.prepare("SELECT " + std::string(kAssetColumns) +
                                        " FROM assets AS a WHERE a.is_trashed = 1 AND a.trashed_at_us < ?1"
                                        " ORDER BY a.trashed_at_us, a.id LIMIT ?2");
        stmt.bind(1, trashedBeforeUs).bind(2, clampLimit(limit));
        return readAll(stmt);
    });
}

Expected<std::vector<storage::AssetRecord>> SqliteImagesRepository::listOwnerAssets(const std::string& ownerId,
                                                                                    const std::string& afterId,
                                                                                    int limit) {
    return guarded("list owner assets", [&]() -> Expected<std::vector<storage::AssetRecord>> {
        auto stmt = connection_.prepare("SELECT " + std::string(kAssetColumns) +
                                        " FROM assets AS a WHERE a.owner_id = ?1 AND a.id > ?2 ORDER BY a.id LIMIT ?3");
        stmt.bind(1, ownerId).bind(2, afterId).bind(3, clampLimit(limit));
        return readAll(stmt);
    });
}

Expected<std::vector<storage::AssetRecord>> SqliteImagesRepository::listAllAssets(const std::string& afterId,
                                                                                  int limit) {
    return guarded("list all assets", [&]() -> Expected<std::vector<storage::AssetRecord>> {
        auto stmt = connection_.prepare("SELECT " + std::string(kAssetColumns) +
                                        " FROM assets AS a WHERE a.id > ?1 ORDER BY a.id LIMIT ?2");
        stmt.bind(1, afterId).bind(2, clampLimit(limit));
        return readAll(stmt);
    });
}

}  // namespace obscura::sqlite

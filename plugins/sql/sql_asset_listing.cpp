// The images repository's listings and aggregates. Every listing is keyset-paginated and ordered by an index
// (see each plugin's images migrations); none uses OFFSET.
#include <algorithm>
#include <functional>
#include <map>
#include <string_view>

#include "sql_asset_query.hpp"
#include "sql_asset_rows.hpp"
#include "sql_dialect.hpp"
#include "sql_images_repository.hpp"

namespace obscura::sql {

namespace {

constexpr int kMaxPage = 500;
constexpr std::int64_t kRowWindowPerRow = 20;  // rows tested per row wanted before a row-by-row search gives up

int clampLimit(int limit) { return std::clamp(limit, 1, kMaxPage); }

std::vector<storage::AssetRecord> readAll(Statement& stmt) {
    auto rows = stmt.query();
    std::vector<storage::AssetRecord> assets;
    while (rows.next()) assets.push_back(readAssetRow(rows));
    return assets;
}

// The query for one partner's share of a multi-owner page: their live, unarchived assets under the same filter.
storage::AssetQuery partnerQuery(const storage::AssetQuery& query, const std::string& partnerId) {
    storage::AssetQuery one = query;
    one.filter.ownerId = partnerId;
    one.filter.partnerIds.clear();
    one.filter.archived = false;
    one.filter.trashed = false;
    one.filter.favorite.reset();
    one.filter.albumId.reset();
    one.filter.sharedLinkId.reset();
    return one;
}

// Merges runs that are each in `order` into the first `keep` items of their union (k-way: k is the number of
// partners plus one, so a scan of the heads beats a heap). Ids are unique across owners: no ties to break.
std::vector<storage::AssetRecord> mergeRuns(std::vector<std::vector<storage::AssetRecord>>& runs,
                                            storage::SortOrder order, std::size_t keep) {
    const bool desc = order == storage::SortOrder::Desc;
    const auto before = [desc](const storage::AssetRecord& a, const storage::AssetRecord& b) {
        if (a.takenAtUs != b.takenAtUs) return desc ? a.takenAtUs > b.takenAtUs : a.takenAtUs < b.takenAtUs;
        return desc ? a.id > b.id : a.id < b.id;
    };
    std::vector<std::size_t> next(runs.size(), 0);
    std::vector<storage::AssetRecord> out;
    out.reserve(keep);
    while (out.size() < keep) {
        std::size_t best = runs.size();
        for (std::size_t r = 0; r < runs.size(); ++r) {
            if (next[r] >= runs[r].size()) continue;
            if (best == runs.size() || before(runs[r][next[r]], runs[best][next[best]])) best = r;
        }
        if (best == runs.size()) break;
        out.push_back(std::move(runs[best][next[best]++]));
    }
    return out;
}

// `(keyTime, keyId) op (takenAtUs, id)` with op one of < > <= >=, its parameters appended to params.
std::string keyCompare(const Dialect& d, const FilterSql& sql, std::int64_t takenAtUs, const std::string& id,
                       const std::string& op, std::vector<storage::Value>& params) {
    params.emplace_back(takenAtUs);
    if (d.rowValueKeyset) {
        params.emplace_back(id);
        return " AND (" + sql.keyTime + ", " + sql.keyId + ") " + op + " (?, ?)";
    }
    // Spelled out where a row comparison does not become an index range (MySQL).
    params.emplace_back(takenAtUs);
    params.emplace_back(id);
    return " AND (" + sql.keyTime + " " + op.substr(0, 1) + " ? OR (" + sql.keyTime + " = ? AND " + sql.keyId + " " +
           op + " ?))";
}

// The page's statement without a row-by-row search: at most limit + 1 rows of `columns` from one index range.
Statement plainPage(Session& s, FilterSql& sql, const storage::AssetQuery& query, std::string_view columns) {
    const bool desc = query.order == storage::SortOrder::Desc;
    const std::string direction = desc ? " DESC" : " ASC";
    std::string where = sql.where;
    if (query.after)
        where += keyCompare(s.dialect(), sql, query.after->takenAtUs, query.after->id, desc ? "<" : ">", sql.params);
    auto stmt = s.prepare("SELECT " + std::string(columns) + " FROM " + sql.from + " WHERE " + where + " ORDER BY " +
                          sql.keyTime + direction + ", " + sql.keyId + direction + " LIMIT " +
                          sql.param(static_cast<std::int64_t>(clampLimit(query.limit)) + 1));
    sql.bindAll(stmt);
    return stmt;
}

}  // namespace

// One owner's page: at most limit + 1 rows (the extra one tells whether another page follows) from one range scan
// of an index that starts with (owner, flags…) and continues with (takenAtUs, id).
//
// A search for a word most of the library holds (FilterSql::rowTest set) is first tried row by row over a window:
// the key of the kRowWindowPerRow × (limit + 1)-th row the other conditions give is found in the index, and the
// page is read from the index range up to it with each row tested by the dialect's row test, stopping at the page's
// end. Building the set of every match instead costs the whole library whatever the page (over a second at a
// million assets in SQLite). If the window holds fewer than limit + 1 matches while rows go on beyond it (the word
// is rarer further down), the page is read again the usual way.
Expected<std::vector<storage::AssetRecord>> SqlImagesRepository::ownerPage(const storage::AssetQuery& query) {
    OBSCURA_TRY(sql, buildFilterSql(s_, query.filter, true));
    if (sql.matchesNothing) return std::vector<storage::AssetRecord>{};
    const Dialect& d = s_.dialect();
    const bool desc = query.order == storage::SortOrder::Desc;
    const std::string direction = desc ? " DESC" : " ASC";
    const std::string order = " ORDER BY " + sql.keyTime + direction + ", " + sql.keyId + direction;
    const std::int64_t rowsWanted = static_cast<std::int64_t>(clampLimit(query.limit)) + 1;
    const auto bindAll = [](Statement& stmt, const std::vector<storage::Value>& values) {
        for (std::size_t i = 0; i < values.size(); ++i) stmt.set(static_cast<int>(i + 1), values[i]);
    };
    if (!sql.rowTest.empty()) {
        std::vector<storage::Value> params(sql.params.begin(),
                                           sql.params.begin() + static_cast<std::ptrdiff_t>(sql.paramsWithoutSearch));
        std::string where = sql.whereWithoutSearch;
        if (query.after) where += keyCompare(d, sql, query.after->takenAtUs, query.after->id, desc ? "<" : ">", params);
        // The window's last row: found in the index alone (no table row is read).
        std::vector<storage::Value> boundParams = params;
        boundParams.emplace_back(kRowWindowPerRow * rowsWanted - 1);
        auto boundStmt = s_.prepare("SELECT " + sql.keyTime + ", " + sql.keyId + " FROM " + sql.from + " WHERE " +
                                    where + order + " LIMIT 1 OFFSET ?");
        bindAll(boundStmt, boundParams);
        std::optional<storage::AssetCursor> bound;
        {
            auto rows = boundStmt.query();
            if (rows.next()) bound = storage::AssetCursor{rows.int64(0), rows.text(1)};
        }
        if (bound) where += keyCompare(d, sql, bound->takenAtUs, bound->id, desc ? ">=" : "<=", params);
        params.insert(params.end(), sql.rowTestParams.begin(), sql.rowTestParams.end());
        params.emplace_back(rowsWanted);
        auto stmt = s_.prepare("SELECT " + std::string(kAssetColumns) + " FROM " + sql.from + " WHERE " + where +
                               " AND " + sql.rowTest + order + " LIMIT ?");
        bindAll(stmt, params);
        auto rows = readAll(stmt);
        // Complete when the page is full, or when the window reached the end of the list.
        if (static_cast<std::int64_t>(rows.size()) == rowsWanted || !bound) return rows;
    }
    auto stmt = plainPage(s_, sql, query, kAssetColumns);
    return readAll(stmt);
}

Expected<storage::AssetPage> SqlImagesRepository::listPage(const storage::AssetQuery& query) {
    const auto limit = static_cast<std::size_t>(clampLimit(query.limit));
    storage::AssetPage page;
    if (query.filter.partnerIds.empty()) {
        OBSCURA_TRY(rows, ownerPage(query));
        page.items = std::move(rows);
    } else {
        // Several owners: each owner's page is its own index range scan (LIMIT n + 1), merged here. One query
        // with owner_id IN (…) would have to sort every matching row of every owner before its LIMIT.
        std::vector<std::vector<storage::AssetRecord>> runs;
        OBSCURA_TRY(own, ownerPage(query));
        runs.push_back(std::move(own));
        for (const auto& partner : query.filter.partnerIds) {
            OBSCURA_TRY(rows, ownerPage(partnerQuery(query, partner)));
            runs.push_back(std::move(rows));
        }
        page.items = mergeRuns(runs, query.order, limit + 1);
    }
    if (page.items.size() > limit) {
        page.items.resize(limit);
        page.hasMore = true;
    }
    return page;
}

Expected<storage::AssetPage> SqlImagesRepository::listAssets(const storage::AssetQuery& query) {
    return guarded(s_, "list assets", [&] { return listPage(query); });
}

// One owner's plain page streams from the statement: no record, no string per field (the rows' text stays in the
// driver's buffers while the caller writes it out). A merge of partners' runs and a search (whose row-by-row plan
// may read its page twice) need the whole page first: those visit listPage's records.
Expected<bool> SqlImagesRepository::visitAssets(const storage::AssetQuery& query,
                                                const std::function<void(const storage::AssetView&)>& item) {
    return guarded(s_, "visit assets", [&]() -> Expected<bool> {
        if (!query.filter.partnerIds.empty() || query.filter.q) {
            OBSCURA_TRY(page, listPage(query));
            for (const auto& asset : page.items) item(storage::viewOf(asset));
            return page.hasMore;
        }
        OBSCURA_TRY(sql, buildFilterSql(s_, query.filter, true));
        if (sql.matchesNothing) return false;
        auto stmt = plainPage(s_, sql, query, kAssetViewColumns);
        auto rows = stmt.query();
        const int limit = clampLimit(query.limit);
        std::vector<std::string> tags;
        for (int n = 0; rows.next(); ++n) {
            if (n == limit) return true;  // the extra row: another page follows
            item(readAssetView(rows, tags));
        }
        return false;
    });
}

Expected<std::vector<storage::TimelineBucket>> SqlImagesRepository::timeline(const storage::AssetFilter& filter) {
    return guarded(s_, "timeline", [&]() -> Expected<std::vector<storage::TimelineBucket>> {
        // Per owner (each GROUP BY reads its own index), then summed by month.
        std::map<std::string, std::int64_t, std::greater<>> months;
        storage::AssetQuery query;
        query.filter = filter;
        std::vector<storage::AssetFilter> filters{filter};
        for (const auto& partner : filter.partnerIds) filters.push_back(partnerQuery(query, partner).filter);
        for (const auto& one : filters) {
            OBSCURA_TRY(sql, buildFilterSql(s_, one));
            if (sql.matchesNothing) continue;
            auto stmt = s_.prepare("SELECT a.taken_month, COUNT(*) FROM " + sql.from + " WHERE " + sql.where +
                                   " GROUP BY a.taken_month");
            sql.bindAll(stmt);
            auto rows = stmt.query();
            while (rows.next()) months[rows.text(0)] += rows.int64(1);
        }
        std::vector<storage::TimelineBucket> buckets;
        buckets.reserve(months.size());
        for (auto& [month, count] : months) buckets.push_back({month, count});
        return buckets;
    });
}

Expected<std::vector<storage::TagCount>> SqlImagesRepository::tags(const std::string& ownerId) {
    return guarded(s_, "tags", [&]() -> Expected<std::vector<storage::TagCount>> {
        // MIN(tag): of spellings differing only in ASCII case, one stable representative.
        const Dialect& d = s_.dialect();
        auto stmt = s_.prepare("SELECT MIN(t.tag), COUNT(*) FROM " + std::string(d.tagJoin) +
                               " WHERE t.owner_id = ? AND a.is_trashed = 0 AND a.is_hidden = 0 GROUP BY " +
                               std::string(d.tagKeyColumn) + " ORDER BY " + std::string(d.tagKeyColumn));
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

#include "sql_asset_query.hpp"

#include "sql_dialect.hpp"

namespace obscura::sql {

Expected<FilterSql> buildFilterSql(Session& s, const storage::AssetFilter& filter) {
    if (filter.ownerId.empty()) return badRequest("an asset query needs an owner");
    if (filter.type && *filter.type != "image" && *filter.type != "video")
        return invalid("asset type must be image or video");
    const Dialect& d = s.dialect();

    FilterSql sql;
    std::vector<std::string> words;
    if (filter.q) {
        words = d.searchWords(*filter.q);
        if (words.size() > static_cast<std::size_t>(kMaxSearchWords))
            return invalid("a search may have at most " + std::to_string(kMaxSearchWords) + " words");
        if (words.empty()) {
            sql.matchesNothing = true;
            return sql;
        }
    }
    // The dialect may let the search's matches drive the query (a rare word); it then handles the tag too.
    const bool driven = !words.empty() && d.searchFilter(s, filter, words, sql, true);
    // Flags are literals, not parameters, so the planner sees which index (prefix) they select.
    if (driven) {
    } else if (filter.tag) {
        sql.from = d.tagJoin;
        sql.where = "t.owner_id = " + sql.param(filter.ownerId);
        sql.where += " AND " + std::string(d.tagKeyColumn) + " = " + sql.param(d.tagKey(*filter.tag));
        sql.where += " AND a.owner_id = t.owner_id";
        sql.keyTime = "t.taken_at_us";
        sql.keyId = "t.asset_id";
    } else {
        sql.from = "assets AS a";
        sql.where = "a.owner_id = " + sql.param(filter.ownerId);
        sql.keyTime = "a.taken_at_us";
        sql.keyId = "a.id";
    }
    sql.where += filter.trashed ? " AND a.is_trashed = 1" : " AND a.is_trashed = 0";
    if (filter.archived) sql.where += *filter.archived ? " AND a.is_archived = 1" : " AND a.is_archived = 0";
    if (filter.favorite) sql.where += *filter.favorite ? " AND a.is_favorite = 1" : " AND a.is_favorite = 0";
    if (filter.type) sql.where += " AND a.type = " + sql.param(*filter.type);
    if (filter.fromUs) sql.where += " AND " + sql.keyTime + " >= " + sql.param(*filter.fromUs);
    if (filter.toUs) sql.where += " AND " + sql.keyTime + " < " + sql.param(*filter.toUs);
    if (filter.albumId) {
        sql.where += " AND EXISTS (SELECT 1 FROM album_assets AS aa WHERE aa.album_id = " + sql.param(*filter.albumId);
        sql.where += " AND aa.asset_id = a.id)";
    }
    if (filter.sharedLinkId) {
        sql.where +=
            " AND EXISTS (SELECT 1 FROM shared_link_assets AS sl WHERE sl.link_id = " + sql.param(*filter.sharedLinkId);
        sql.where += " AND sl.asset_id = a.id)";
    }
    if (!words.empty() && !driven) d.searchFilter(s, filter, words, sql, false);
    return sql;
}

}  // namespace obscura::sql

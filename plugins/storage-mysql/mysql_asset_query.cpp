#include "mysql_asset_query.hpp"

#include "mysql_asset_rows.hpp"
#include "mysql_asset_search.hpp"

namespace obscura::mysql {

std::string FilterSql::param(std::variant<std::int64_t, std::string> value) {
    params.push_back(std::move(value));
    return "?";
}

void FilterSql::bindAll(Statement& stmt) const {
    unsigned index = 0;
    for (const auto& value : params) {
        if (const auto* number = std::get_if<std::int64_t>(&value)) {
            stmt.set(++index, *number);
        } else {
            stmt.set(++index, std::get<std::string>(value));
        }
    }
}

Expected<FilterSql> buildFilterSql(const storage::AssetFilter& filter) {
    if (filter.ownerId.empty()) return badRequest("an asset query needs an owner");
    if (filter.type && *filter.type != "image" && *filter.type != "video")
        return invalid("asset type must be image or video");

    FilterSql sql;
    std::vector<std::string> words;
    if (filter.q) {
        words = searchWords(*filter.q);
        if (words.size() > static_cast<std::size_t>(kMaxSearchWords))
            return invalid("a search may have at most " + std::to_string(kMaxSearchWords) + " words");
        if (words.empty()) {
            sql.matchesNothing = true;
            return sql;
        }
    }
    // Flags are literals, not parameters, so the optimizer sees which index prefix they select.
    if (filter.tag) {
        sql.from = "asset_tags AS t JOIN assets AS a ON a.seq = t.asset_seq";
        // One param() per statement: the operands of + are evaluated in no fixed order, the placeholders'
        // values must be appended in text order.
        sql.where = "t.owner_id = " + sql.param(filter.ownerId);
        sql.where += " AND t.tag_key = " + sql.param(tagKey(*filter.tag));
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
    // Every word must match some word of the asset: one semi-join per word over asset_words' (owner_id, word)
    // index, each an index range for its prefix.
    for (const auto& word : words) {
        sql.where +=
            " AND a.seq IN (SELECT w.asset_seq FROM asset_words AS w WHERE w.owner_id = " + sql.param(filter.ownerId);
        sql.where += " AND w.word LIKE " + sql.param(prefixPattern(word)) + ")";
    }
    return sql;
}

}  // namespace obscura::mysql

#include "sqlite_asset_query.hpp"

namespace obscura::sqlite {

namespace {

// Decodes one UTF-8 code point at text[i], advancing i; invalid input yields U+FFFD-like -1 and one byte.
std::int32_t nextCodePoint(std::string_view text, std::size_t& i) {
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
    const unsigned char lead = byte(i);
    int length = lead < 0x80 ? 1 : (lead >> 5) == 0x6 ? 2 : (lead >> 4) == 0xe ? 3 : (lead >> 3) == 0x1e ? 4 : 0;
    if (length == 0 || i + static_cast<std::size_t>(length) > text.size()) {
        ++i;
        return -1;
    }
    std::int32_t cp = length == 1 ? lead : lead & (0x7f >> length);
    for (int k = 1; k < length; ++k) {
        const unsigned char c = byte(i + static_cast<std::size_t>(k));
        if ((c & 0xc0) != 0x80) {
            ++i;
            return -1;
        }
        cp = (cp << 6) | (c & 0x3f);
    }
    i += static_cast<std::size_t>(length);
    return cp;
}

bool isSeparator(std::int32_t cp) {
    if (cp < 0) return true;
    if (cp < 0x80) {
        const bool alnum = (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z');
        return !alnum;
    }
    // Latin-1 controls, spaces and symbols (not ª µ º and the superscript digits and fractions, which are
    // letters or numbers to unicode61), × and ÷, general punctuation, CJK punctuation, full-width ASCII
    // punctuation. A separator missed here is harmless: FTS5 splits the quoted term itself, and the words
    // then must follow each other (a phrase) instead of matching anywhere.
    if (cp <= 0xbf) return cp != 0xaa && cp != 0xb5 && cp != 0xba && cp != 0xb2 && cp != 0xb3 && cp != 0xb9 &&
                           !(cp >= 0xbc && cp <= 0xbe);
    if (cp == 0xd7 || cp == 0xf7) return true;
    if (cp >= 0x2000 && cp <= 0x206f) return true;
    if ((cp >= 0x3000 && cp <= 0x3003) || (cp >= 0x3008 && cp <= 0x301f)) return true;
    if ((cp >= 0xff01 && cp <= 0xff0f) || (cp >= 0xff1a && cp <= 0xff20) || (cp >= 0xff3b && cp <= 0xff40) ||
        (cp >= 0xff5b && cp <= 0xff65))
        return true;
    return cp == 0xfeff;
}

}  // namespace

std::vector<std::string> searchWords(std::string_view q) {
    std::vector<std::string> words;
    std::string current;
    std::size_t i = 0;
    while (i < q.size()) {
        const std::size_t start = i;
        const std::int32_t cp = nextCodePoint(q, i);
        if (isSeparator(cp)) {
            if (!current.empty()) words.push_back(std::move(current));
            current.clear();
        } else {
            current.append(q.substr(start, i - start));
        }
    }
    if (!current.empty()) words.push_back(std::move(current));
    return words;
}

std::optional<std::string> ftsMatchExpression(std::string_view q) {
    const auto words = searchWords(q);
    if (words.empty()) return std::nullopt;
    std::string expression;
    for (const auto& word : words) {
        if (!expression.empty()) expression += " AND ";
        // A word never holds '"' (it is a separator), so the quoted string cannot be closed early.
        expression += '"' + word + "\"*";
    }
    return expression;
}

std::string FilterSql::param(std::variant<std::int64_t, std::string> value) {
    params.push_back(std::move(value));
    return "?" + std::to_string(params.size());
}

void FilterSql::bindAll(Statement& stmt) const {
    for (std::size_t i = 0; i < params.size(); ++i) {
        const int index = static_cast<int>(i + 1);
        if (const auto* number = std::get_if<std::int64_t>(&params[i])) {
            stmt.bind(index, *number);
        } else {
            stmt.bind(index, std::get<std::string>(params[i]));
        }
    }
}

SearchPlan chooseSearchPlan(Connection& connection, const storage::AssetFilter& filter) {
    if (!filter.q) return SearchPlan::Probe;
    const auto match = ftsMatchExpression(*filter.q);
    if (!match) return SearchPlan::Probe;
    auto stmt = connection.prepare(
        "SELECT count(*) FROM (SELECT 1 FROM asset_search WHERE asset_search MATCH ?1 LIMIT ?2)");
    stmt.bind(1, *match).bind(2, kDrivenSearchLimit);
    return stmt.step() && stmt.int64(0) < kDrivenSearchLimit ? SearchPlan::Driven : SearchPlan::Probe;
}

Expected<FilterSql> buildFilterSql(const storage::AssetFilter& filter, SearchPlan plan) {
    if (filter.ownerId.empty()) return badRequest("an asset query needs an owner");
    if (filter.type && *filter.type != "image" && *filter.type != "video")
        return invalid("asset type must be image or video");

    FilterSql sql;
    std::optional<std::string> match;
    if (filter.q) {
        if (searchWords(*filter.q).size() > static_cast<std::size_t>(kMaxSearchWords))
            return invalid("a search may have at most " + std::to_string(kMaxSearchWords) + " words");
        match = ftsMatchExpression(*filter.q);
        if (!match) {
            sql.matchesNothing = true;
            return sql;
        }
    }
    const bool driven = match && plan == SearchPlan::Driven;
    // Flags are literals, not parameters: SQLite picks an index (and a partial index) by the literal values.
    if (driven) {
        // CROSS JOIN fixes the loop order: SQLite never reorders the operands of a CROSS JOIN.
        sql.from = "asset_search AS s CROSS JOIN assets AS a ON a.seq = s.rowid";
        sql.where = "s.asset_search MATCH " + sql.param(*match) + " AND a.owner_id = " + sql.param(filter.ownerId);
        if (filter.tag)
            sql.where += " AND EXISTS (SELECT 1 FROM asset_tags AS t WHERE t.asset_id = a.id AND t.tag = " +
                         sql.param(*filter.tag) + ")";
        sql.keyTime = "a.taken_at_us";
        sql.keyId = "a.id";
    } else if (filter.tag) {
        sql.from = "asset_tags AS t JOIN assets AS a ON a.id = t.asset_id";
        sql.where = "t.owner_id = " + sql.param(filter.ownerId) + " AND t.tag = " + sql.param(*filter.tag) +
                    " AND a.owner_id = t.owner_id";
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
    if (filter.albumId)
        sql.where += " AND EXISTS (SELECT 1 FROM album_assets AS aa WHERE aa.album_id = " + sql.param(*filter.albumId) +
                     " AND aa.asset_id = a.id)";
    if (filter.sharedLinkId)
        sql.where += " AND EXISTS (SELECT 1 FROM shared_link_assets AS sl WHERE sl.link_id = " +
                     sql.param(*filter.sharedLinkId) + " AND sl.asset_id = a.id)";
    if (match && !driven)
        sql.where += " AND a.seq IN (SELECT rowid FROM asset_search WHERE asset_search MATCH " + sql.param(*match) + ")";
    return sql;
}

}  // namespace obscura::sqlite

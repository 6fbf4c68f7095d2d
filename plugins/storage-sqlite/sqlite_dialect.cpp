// SQLite's side of the shared SQL: one writer at a time (no locking reads), savepoints for nested writes,
// asset_tags keyed by asset id with a NOCASE tag, and search through FTS5 (kept in step by the schema's
// asset_search triggers, so indexAsset has nothing to do).
#include "sql_asset_query.hpp"
#include "sql_dialect.hpp"
#include "sqlite_connection.hpp"
#include "sqlite_search_match.hpp"

namespace obscura::sqlite {

namespace {

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
    if (cp <= 0xbf)
        return cp != 0xaa && cp != 0xb5 && cp != 0xba && cp != 0xb2 && cp != 0xb3 && cp != 0xb9 &&
               !(cp >= 0xbc && cp <= 0xbe);
    if (cp == 0xd7 || cp == 0xf7) return true;
    if (cp >= 0x2000 && cp <= 0x206f) return true;
    if ((cp >= 0x3000 && cp <= 0x3003) || (cp >= 0x3008 && cp <= 0x301f)) return true;
    if ((cp >= 0xff01 && cp <= 0xff0f) || (cp >= 0xff1a && cp <= 0xff20) || (cp >= 0xff3b && cp <= 0xff40) ||
        (cp >= 0xff5b && cp <= 0xff65))
        return true;
    return cp == 0xfeff;
}

bool isWordCharacter(std::int32_t cp) { return !isSeparator(cp); }

// "\"word\"* AND \"other\"*": each word a quoted prefix term, so no character of q is FTS5 syntax.
std::string ftsMatchExpression(const std::vector<std::string>& words) {
    std::string expression;
    for (const auto& word : words) {
        if (!expression.empty()) expression += " AND ";
        // A word never holds '"' (it is a separator), so the quoted string cannot be closed early.
        expression += '"' + word + "\"*";
    }
    return expression;
}

// The five texts asset_search indexes for a row, computed exactly as the schema's asset_search triggers do.
constexpr std::string_view kSearchTexts =
    "a.title, a.description, (SELECT group_concat(value, ' ') FROM json_each(a.tags)), a.original_file_name,"
    " ifnull(json_extract(a.exif, '$.make'), '') || ' ' || ifnull(json_extract(a.exif, '$.model'), '')";

std::string joinedWords(const std::vector<std::string>& words) {
    std::string joined;
    for (const auto& word : words) {
        if (!joined.empty()) joined += '\n';
        joined += word;  // a word never holds '\n' (a separator)
    }
    return joined;
}

class SqliteDialect final : public sql::Dialect {
public:
    static constexpr int kDrivenSearchLimit = 20000;
    SqliteDialect() { name = "sqlite"; }

    void insertTags(sql::Session& s, std::int64_t /*seq*/, const std::string& assetId, const std::string& ownerId,
                    std::int64_t takenAtUs, const std::vector<std::string>& tags) const override {
        // OR IGNORE: two tags equal but for ASCII case are one tag (the key is NOCASE); the module dedupes first.
        for (const auto& tag : tags) {
            s.prepare("INSERT OR IGNORE INTO asset_tags (asset_id, owner_id, tag, taken_at_us) VALUES (?, ?, ?, ?)")
                .bind(assetId, ownerId, tag, takenAtUs)
                .execute();
        }
    }
    void deleteTags(sql::Session& s, std::int64_t /*seq*/, const std::string& assetId) const override {
        s.prepare("DELETE FROM asset_tags WHERE asset_id = ?").bind(assetId).execute();
    }
    void moveTags(sql::Session& s, std::int64_t /*seq*/, const std::string& assetId,
                  std::int64_t takenAtUs) const override {
        s.prepare("UPDATE asset_tags SET taken_at_us = ? WHERE asset_id = ?").bind(takenAtUs, assetId).execute();
    }
    std::vector<std::string> searchWords(std::string_view q) const override {
        return sql::splitWords(q, isWordCharacter);
    }
    bool searchFilter(sql::Session& s, const storage::AssetFilter& filter, const std::vector<std::string>& words,
                      sql::FilterSql& sql, bool drive) const override;
    bool searchRowTest(const storage::AssetFilter& /*filter*/, const std::vector<std::string>& words,
                       std::string& condition, std::vector<storage::Value>& params) const override {
        condition = std::string(kSearchMatchFunction) + "(?, " + std::string(kSearchTexts) + ")";
        params.emplace_back(joinedWords(words));
        return true;
    }
    // The schema's asset_search triggers keep FTS5 in step.
    void indexAsset(sql::Session&, std::int64_t, const storage::AssetRecord&, bool) const override {}
    void reindexAsset(sql::Session&, std::int64_t) const override {}
};

// SQLite's planner cannot know how many rows a MATCH yields, and the two plans differ by orders of magnitude
// at a million assets (measured in bench/listing):
//   driven: the matches drive the query (FTS first, then each asset by rowid, then a sort by time) — ~1 ms for
//           a rare word, but the sort grows with the number of matches;
//   probe:  the owner's timeline index drives it and each row is probed against the set of matches — no sort,
//           stops at the page's end, so cheap for common words, but a rare word scans the whole timeline.
// The matches are counted up to kDrivenSearchLimit first, and the driven plan taken below it. A page of a word most
// of the library holds takes neither: FTS5 merges a prefix term's whole doclist before it yields (or counts) a
// single match, 155 ms for a word in every one of a million assets; such a page tests rows one by one with
// obscura_search_match instead (searchRowTest, sql_asset_listing.cpp).
bool SqliteDialect::searchFilter(sql::Session& s, const storage::AssetFilter& filter,
                                 const std::vector<std::string>& words, sql::FilterSql& sql, bool drive) const {
    const std::string match = ftsMatchExpression(words);
    if (!drive) {
        sql.where += " AND a.seq IN (SELECT rowid FROM asset_search WHERE asset_search MATCH " + sql.param(match) + ")";
        return true;
    }
    auto count = s.prepare("SELECT count(*) FROM (SELECT 1 FROM asset_search WHERE asset_search MATCH ? LIMIT ?)");
    auto rows = count.bind(match, kDrivenSearchLimit).query();
    if (!rows.next() || rows.int64(0) >= kDrivenSearchLimit) return false;
    // CROSS JOIN fixes the loop order: SQLite never reorders the operands of a CROSS JOIN.
    sql.from = "asset_search AS s CROSS JOIN assets AS a ON a.seq = s.rowid";
    sql.where = "s.asset_search MATCH " + sql.param(match);
    sql.where += " AND a.owner_id = " + sql.param(filter.ownerId);
    if (filter.tag) {
        sql.where +=
            " AND EXISTS (SELECT 1 FROM asset_tags AS t WHERE t.asset_id = a.id AND t.tag = " + sql.param(*filter.tag);
        sql.where += ")";
    }
    sql.keyTime = "a.taken_at_us";
    sql.keyId = "a.id";
    return true;
}

}  // namespace

const sql::Dialect& sqliteDialect() {
    static const SqliteDialect kDialect;
    return kDialect;
}

}  // namespace obscura::sqlite

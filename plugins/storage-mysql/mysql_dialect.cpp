#include "mysql_dialect.hpp"

#include "mysql_asset_search.hpp"
#include "sql_asset_query.hpp"
#include "sql_asset_rows.hpp"

namespace obscura::mysql {

MysqlDialect::MysqlDialect() {
    name = "mysql";
    forUpdate = " FOR UPDATE";
    skipLocked = " FOR UPDATE SKIP LOCKED";
    shareLock = " LOCK IN SHARE MODE";
    insertIgnore = "INSERT IGNORE";
    greatest = "GREATEST";
    // Spelled out rather than a row comparison, which MySQL does not turn into an index range.
    rowValueKeyset = false;
    savepoints = false;
    ownTransactionAttempts = 5;
    nullDedupeKey = true;
    maxTagChars = 255;
    lastInsertId = "SELECT LAST_INSERT_ID()";
    tagJoin = "asset_tags AS t JOIN assets AS a ON a.seq = t.asset_seq";
    tagKeyColumn = "t.tag_key";
}

const MysqlDialect& MysqlDialect::instance() {
    static const MysqlDialect kDialect;
    return kDialect;
}

std::string MysqlDialect::onConflict(std::string_view /*key*/) const { return " ON DUPLICATE KEY UPDATE "; }

std::string MysqlDialect::inserted(std::string_view column) const { return "VALUES(" + std::string(column) + ")"; }

std::string MysqlDialect::tagKey(std::string_view tag) const {
    std::string key(tag);
    for (char& c : key) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return key;
}

void MysqlDialect::insertTags(sql::Session& s, std::int64_t seq, const std::string& assetId,
                              const std::string& ownerId, std::int64_t takenAtUs,
                              const std::vector<std::string>& tags) const {
    for (const auto& tag : tags) {
        // Two tags equal but for ASCII case are one tag (the key is the lower-cased tag): the first is kept.
        s.prepare(
             "INSERT INTO asset_tags (asset_seq, asset_id, owner_id, tag, tag_key, taken_at_us)"
             " VALUES (?, ?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE tag = asset_tags.tag")
            .bind(seq, assetId, ownerId, tag, tagKey(tag), takenAtUs)
            .execute();
    }
}

void MysqlDialect::deleteTags(sql::Session& s, std::int64_t seq, const std::string& /*assetId*/) const {
    s.prepare("DELETE FROM asset_tags WHERE asset_seq = ?").bind(seq).execute();
}

void MysqlDialect::moveTags(sql::Session& s, std::int64_t seq, const std::string& /*assetId*/,
                            std::int64_t takenAtUs) const {
    s.prepare("UPDATE asset_tags SET taken_at_us = ? WHERE asset_seq = ?").bind(takenAtUs, seq).execute();
}

std::vector<std::string> MysqlDialect::searchWords(std::string_view q) const { return mysql::searchWords(q); }

bool MysqlDialect::searchFilter(sql::Session& /*s*/, const storage::AssetFilter& filter,
                                const std::vector<std::string>& words, sql::FilterSql& sql, bool drive) const {
    if (drive) return false;
    // Every word must match some word of the asset: one semi-join per word over asset_words' (owner_id, word)
    // index, each an index range for its prefix.
    for (const auto& word : words) {
        sql.where +=
            " AND a.seq IN (SELECT w.asset_seq FROM asset_words AS w WHERE w.owner_id = " + sql.param(filter.ownerId);
        sql.where += " AND w.word LIKE " + sql.param(prefixPattern(word)) + ")";
    }
    return true;
}

void MysqlDialect::indexAsset(sql::Session& s, std::int64_t seq, const storage::AssetRecord& a, bool fresh) const {
    writeAssetWords(s, seq, a.ownerId, assetWords(a.title, a.description, a.tags, a.originalFileName, a.exif), fresh);
}

void MysqlDialect::reindexAsset(sql::Session& s, std::int64_t seq) const {
    auto stmt = s.prepare("SELECT owner_id, title, description, tags, original_file_name, exif FROM assets WHERE seq = ?");
    auto rows = stmt.bind(seq).query();
    if (!rows.next()) return;
    writeAssetWords(s, seq, rows.text(0),
                    assetWords(rows.text(1), rows.text(2), sql::parseTags(rows.text(3)), rows.text(4), rows.text(5)));
}

}  // namespace obscura::mysql

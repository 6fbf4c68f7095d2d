#include <locale.h>
#include <wctype.h>

#include <set>

#include "mysql_connection.hpp"
#include "sql_asset_query.hpp"
#include "sql_asset_rows.hpp"
#include "sql_dialect.hpp"

namespace obscura::mysql {

namespace {

constexpr std::size_t kMaxWordChars = 64;  // longer words are stored (and searched) by their first 64 characters

// glibc's C.UTF-8 classifies every Unicode letter and digit (Debian always ships it). Should it be missing,
// non-ASCII code points count as letters except the common punctuation and spaces, as the SQLite plugin
// splits its queries.
locale_t unicodeLocale() {
    static const locale_t locale = newlocale(LC_CTYPE_MASK, "C.UTF-8", static_cast<locale_t>(nullptr));
    return locale;
}

bool isWordCharacter(std::int32_t cp) {
    if (cp < 0) return false;
    if (cp < 0x80) return (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z');
    if (const locale_t locale = unicodeLocale(); locale != static_cast<locale_t>(nullptr)) {
        return iswalnum_l(static_cast<wint_t>(cp), locale) != 0;
    }
    if (cp <= 0xbf || cp == 0xd7 || cp == 0xf7) return false;
    if ((cp >= 0x2000 && cp <= 0x206f) || (cp >= 0x3000 && cp <= 0x301f) || (cp >= 0xff01 && cp <= 0xff65))
        return false;
    return cp != 0xfeff;
}

// The first kMaxWordChars code points of a word.
std::string cut(std::string_view word) {
    std::size_t chars = 0;
    for (std::size_t i = 0; i < word.size(); ++i) {
        if ((static_cast<unsigned char>(word[i]) & 0xC0) != 0x80 && ++chars > kMaxWordChars) {
            return std::string(word.substr(0, i));
        }
    }
    return std::string(word);
}

void insertWords(sql::Session& connection, std::int64_t assetSeq, const std::string& ownerId,
                 const std::vector<std::string>& words, std::size_t from, std::size_t count) {
    std::string sql = "INSERT INTO asset_words (asset_seq, owner_id, word) VALUES ";
    for (std::size_t i = 0; i < count; ++i) sql += i == 0 ? "(?, ?, ?)" : ", (?, ?, ?)";
    // Words equal under the collation ("Café", "cafe") are one row: the first is kept.
    sql += " ON DUPLICATE KEY UPDATE word = asset_words.word";
    auto stmt = connection.prepare(sql);
    int index = 0;
    for (std::size_t i = from; i < from + count; ++i) {
        stmt.set(++index, assetSeq);
        stmt.set(++index, ownerId);
        stmt.set(++index, words[i]);
    }
    stmt.execute();
}

std::vector<std::string> searchWords(std::string_view text) { return sql::splitWords(text, isWordCharacter); }

// The distinct words of everything searchable in an asset: title, description, tags, original file name, and
// the EXIF make and model.
std::vector<std::string> assetWords(const std::string& title, const std::string& description,
                                    const std::vector<std::string>& tags, const std::string& fileName,
                                    const std::string& exifJson) {
    std::set<std::string> distinct;
    const auto add = [&](std::string_view text) {
        for (const auto& word : searchWords(text)) distinct.insert(cut(word));
    };
    add(title);
    add(description);
    for (const auto& tag : tags) add(tag);
    add(fileName);
    add(sql::cameraText(exifJson));
    return {distinct.begin(), distinct.end()};
}

void writeAssetWords(sql::Session& connection, std::int64_t assetSeq, const std::string& ownerId,
                     const std::vector<std::string>& words, bool fresh = false) {
    if (!fresh) {
        auto clear = connection.prepare("DELETE FROM asset_words WHERE asset_seq = ?");
        clear.bind(assetSeq).execute();
    }
    // Batches of 32, 8 and 1 rows: few round trips, and only three statement shapes in the cache.
    std::size_t done = 0;
    for (const std::size_t batch : {std::size_t{32}, std::size_t{8}, std::size_t{1}}) {
        while (words.size() - done >= batch) {
            insertWords(connection, assetSeq, ownerId, words, done, batch);
            done += batch;
        }
    }
}

std::string prefixPattern(std::string_view word) {
    std::string pattern;
    for (const char c : cut(word)) {
        if (c == '%' || c == '_' || c == '\\') pattern += '\\';
        pattern += c;
    }
    return pattern + "%";
}

// MySQL/MariaDB's side of the shared SQL: InnoDB row locks (FOR UPDATE, SKIP LOCKED) instead of one writer,
// ON DUPLICATE KEY upserts, deadlock victims retried, tag rows keyed by the asset's seq and the lower-cased tag.
//
// Search (AssetFilter::q) goes without InnoDB FULLTEXT, whose stopword list and minimum word length would drop
// words DESIGN.md says must match. Each asset's searchable text is split into words (runs of Unicode letters and
// digits) and stored one row per word in asset_words, whose accent- and case-insensitive collation makes
// `word LIKE 'prefix%'` an index range: a query word matches a stored word it equals or begins, ignoring case and
// accents. indexAsset/reindexAsset keep those rows in step with the asset.
class MysqlDialect final : public sql::Dialect {
public:
    MysqlDialect() {
        name = "mysql";
        forUpdate = " FOR UPDATE";
        skipLocked = " FOR UPDATE SKIP LOCKED";
        shareLock = " LOCK IN SHARE MODE";
        insertIgnore = "INSERT IGNORE";
        greatest = "GREATEST";
        rowValueKeyset = false;  // MySQL does not turn a row comparison into an index range
        savepoints = false;
        ownTransactionAttempts = 5;
        nullDedupeKey = true;
        maxTagChars = 255;
        lastInsertId = "SELECT LAST_INSERT_ID()";
        tagJoin = "asset_tags AS t JOIN assets AS a ON a.seq = t.asset_seq";
        tagKeyColumn = "t.tag_key";
    }
    // A transaction the server rolled back as a deadlock victim runs again, this many times in all; one that
    // waited out innodb_lock_wait_timeout only twice, so a request waits at most two lock timeouts.
    int transactionAttempts(int abortCode) const override { return abortCode == kErLockWaitTimeout ? 2 : 5; }
    std::string onConflict(std::string_view /*key*/) const override { return " ON DUPLICATE KEY UPDATE "; }
    std::string inserted(std::string_view column) const override { return "VALUES(" + std::string(column) + ")"; }
    std::string tagKey(std::string_view tag) const override {
        std::string key(tag);
        for (char& c : key) {
            if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        }
        return key;
    }
    void insertTags(sql::Session& s, std::int64_t seq, const std::string& assetId, const std::string& ownerId,
                    std::int64_t takenAtUs, const std::vector<std::string>& tags) const override {
        for (const auto& tag : tags) {
            // Two tags equal but for ASCII case are one tag (the key is the lower-cased tag): the first is kept.
            s.prepare(
                 "INSERT INTO asset_tags (asset_seq, asset_id, owner_id, tag, tag_key, taken_at_us)"
                 " VALUES (?, ?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE tag = asset_tags.tag")
                .bind(seq, assetId, ownerId, tag, tagKey(tag), takenAtUs)
                .execute();
        }
    }
    void deleteTags(sql::Session& s, std::int64_t seq, const std::string& /*assetId*/) const override {
        s.prepare("DELETE FROM asset_tags WHERE asset_seq = ?").bind(seq).execute();
    }
    void moveTags(sql::Session& s, std::int64_t seq, const std::string& /*assetId*/,
                  std::int64_t takenAtUs) const override {
        s.prepare("UPDATE asset_tags SET taken_at_us = ? WHERE asset_seq = ?").bind(takenAtUs, seq).execute();
    }
    std::vector<std::string> searchWords(std::string_view q) const override { return mysql::searchWords(q); }
    bool searchFilter(sql::Session& /*s*/, const storage::AssetFilter& filter, const std::vector<std::string>& words,
                      sql::FilterSql& sql, bool drive) const override {
        if (drive) return false;
        // Every word must match some word of the asset: one semi-join per word over asset_words' (owner_id, word)
        // index, each an index range for its prefix.
        for (const auto& word : words) {
            sql.where += " AND a.seq IN (SELECT w.asset_seq FROM asset_words AS w WHERE w.owner_id = " +
                         sql.param(filter.ownerId);
            sql.where += " AND w.word LIKE " + sql.param(prefixPattern(word)) + ")";
        }
        return true;
    }
    // A row's words probed by its own key (asset_words' primary key starts with asset_seq): a page of a word most
    // of the library holds stops after its rows. The semi-join above is no such thing for MariaDB's planner: with
    // the words the indexer writes it materialises every match first (3.2 s for a word in all of a million
    // assets); probed row by row, 1-3 ms. (Before the listing indexes held is_hidden, each probed row was read
    // from the table first and this path lost; bench/RESULTS.md, issue 21, session 10.)
    bool searchRowTest(const storage::AssetFilter& /*filter*/, const std::vector<std::string>& words,
                       std::string& condition, std::vector<storage::Value>& params) const override {
        condition.clear();
        for (const auto& word : words) {
            if (!condition.empty()) condition += " AND ";
            condition += "EXISTS (SELECT 1 FROM asset_words AS w WHERE w.asset_seq = a.seq AND w.word LIKE ?)";
            params.emplace_back(prefixPattern(word));
        }
        return true;
    }
    void indexAsset(sql::Session& s, std::int64_t seq, const storage::AssetRecord& a, bool fresh) const override {
        writeAssetWords(s, seq, a.ownerId, assetWords(a.title, a.description, a.tags, a.originalFileName, a.exif),
                        fresh);
    }
    void reindexAsset(sql::Session& s, std::int64_t seq) const override {
        auto stmt =
            s.prepare("SELECT owner_id, title, description, tags, original_file_name, exif FROM assets WHERE seq = ?");
        auto rows = stmt.bind(seq).query();
        if (!rows.next()) return;
        writeAssetWords(
            s, seq, rows.text(0),
            assetWords(rows.text(1), rows.text(2), sql::parseTags(rows.text(3)), rows.text(4), rows.text(5)));
    }
};

}  // namespace

const sql::Dialect& mysqlDialect() {
    static const MysqlDialect kDialect;
    return kDialect;
}

}  // namespace obscura::mysql

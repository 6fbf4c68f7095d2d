#pragma once
#include "sql_dialect.hpp"

namespace obscura::mysql {

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
    static const MysqlDialect& instance();

    MysqlDialect();
    std::string onConflict(std::string_view key) const override;
    std::string inserted(std::string_view column) const override;
    int transactionAttempts(int abortCode) const override;
    std::string tagKey(std::string_view tag) const override;
    void insertTags(sql::Session& s, std::int64_t seq, const std::string& assetId, const std::string& ownerId,
                    std::int64_t takenAtUs, const std::vector<std::string>& tags) const override;
    void deleteTags(sql::Session& s, std::int64_t seq, const std::string& assetId) const override;
    void moveTags(sql::Session& s, std::int64_t seq, const std::string& assetId, std::int64_t takenAtUs) const override;
    std::vector<std::string> searchWords(std::string_view q) const override;
    bool searchFilter(sql::Session& s, const storage::AssetFilter& filter, const std::vector<std::string>& words,
                      sql::FilterSql& sql, bool drive) const override;
    void indexAsset(sql::Session& s, std::int64_t seq, const storage::AssetRecord& asset, bool fresh) const override;
    void reindexAsset(sql::Session& s, std::int64_t seq) const override;
};

}  // namespace obscura::mysql

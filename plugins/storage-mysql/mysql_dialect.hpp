#pragma once
#include "sql_dialect.hpp"

namespace obscura::mysql {

// MySQL/MariaDB's side of the shared SQL: InnoDB row locks (FOR UPDATE, SKIP LOCKED) instead of one writer,
// ON DUPLICATE KEY upserts, deadlock victims retried, tag rows keyed by the asset's seq and the lower-cased
// tag, and search through the asset_words table that indexAsset keeps (mysql_asset_search.hpp).
class MysqlDialect final : public sql::Dialect {
public:
    static const MysqlDialect& instance();

    MysqlDialect();
    std::string onConflict(std::string_view key) const override;
    std::string inserted(std::string_view column) const override;
    std::string tagKey(std::string_view tag) const override;
    void insertTags(sql::Session& s, std::int64_t seq, const std::string& assetId, const std::string& ownerId,
                    std::int64_t takenAtUs, const std::vector<std::string>& tags) const override;
    void deleteTags(sql::Session& s, std::int64_t seq, const std::string& assetId) const override;
    void moveTags(sql::Session& s, std::int64_t seq, const std::string& assetId,
                  std::int64_t takenAtUs) const override;
    std::vector<std::string> searchWords(std::string_view q) const override;
    bool searchFilter(sql::Session& s, const storage::AssetFilter& filter, const std::vector<std::string>& words,
                      sql::FilterSql& sql, bool drive) const override;
    void indexAsset(sql::Session& s, std::int64_t seq, const storage::AssetRecord& asset, bool fresh) const override;
    void reindexAsset(sql::Session& s, std::int64_t seq) const override;
};

}  // namespace obscura::mysql

#pragma once
#include "sql_dialect.hpp"

namespace obscura::sqlite {

class SqliteDialect final : public sql::Dialect {
public:
    static constexpr int kDrivenSearchLimit = 20000;
    static const SqliteDialect& instance();

    SqliteDialect();
    void insertTags(sql::Session& s, std::int64_t seq, const std::string& assetId, const std::string& ownerId,
                    std::int64_t takenAtUs, const std::vector<std::string>& tags) const override;
    void deleteTags(sql::Session& s, std::int64_t seq, const std::string& assetId) const override;
    void moveTags(sql::Session& s, std::int64_t seq, const std::string& assetId,
                  std::int64_t takenAtUs) const override;
    std::vector<std::string> searchWords(std::string_view q) const override;
    bool searchFilter(sql::Session& s, const storage::AssetFilter& filter, const std::vector<std::string>& words,
                      sql::FilterSql& sql, bool drive) const override;
    // The schema's asset_search triggers keep FTS5 in step.
    void indexAsset(sql::Session&, std::int64_t, const storage::AssetRecord&, bool) const override {}
    void reindexAsset(sql::Session&, std::int64_t) const override {}
};

}  // namespace obscura::sqlite

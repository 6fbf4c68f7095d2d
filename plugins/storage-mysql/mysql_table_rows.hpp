#pragma once
#include "mysql_connection.hpp"
#include "obscura/storage/table_rows.hpp"

namespace obscura::mysql {

// copyableTables() on one borrowed connection. The MySQL schema differs from the common format in two places,
// translated here: jobs.dedupe_key is NULL where the format says "" (no key), and assets carry side tables
// (tags, search words, usage totals) that an imported asset gets exactly as a created one does.
class MysqlTableRows final : public storage::TableRowsRepository {
public:
    static constexpr int kMaxReadLimit = 10000;

    explicit MysqlTableRows(Connection& connection) : connection_(connection) {}

    Expected<std::vector<storage::Row>> readRows(const std::string& table, const storage::Row& after,
                                                 int limit) override;
    Status insertRows(const std::string& table, const std::vector<storage::Row>& rows) override;
    Expected<std::int64_t> countRows(const std::string& table) override;

private:
    Connection& connection_;
};

}  // namespace obscura::mysql

#pragma once
#include "obscura/storage/table_rows.hpp"
#include "sqlite_connection.hpp"

namespace obscura::sqlite {

// copyableTables() on one borrowed connection. The tables are this plugin's own, column for column; an imported
// asset gets its tag rows here, and its search entry and usage totals from the triggers, as a created one does.
class SqliteTableRows final : public storage::TableRowsRepository {
public:
    static constexpr int kMaxReadLimit = 10000;

    explicit SqliteTableRows(Connection& connection) : connection_(connection) {}

    Expected<std::vector<storage::Row>> readRows(const std::string& table, const storage::Row& after,
                                                 int limit) override;
    Status insertRows(const std::string& table, const std::vector<storage::Row>& rows) override;
    Expected<std::int64_t> countRows(const std::string& table) override;

private:
    Connection& connection_;
};

}  // namespace obscura::sqlite

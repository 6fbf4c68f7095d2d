#pragma once
#include "obscura/storage/table_rows.hpp"
#include "sql_session.hpp"

namespace obscura::sql {

// copyableTables() on one borrowed connection. Where a schema differs from the common format it is translated
// here: jobs.dedupe_key is NULL where the dialect says so and the format says "" (no key), and assets carry
// derived rows (tags, search entry, usage totals, library version) that an imported asset gets exactly as a
// created one does (insertAsset).
class SqlTableRows final : public storage::TableRowsRepository {
public:
    static constexpr int kMaxReadLimit = 10000;

    explicit SqlTableRows(Session& session) : s_(session) {}

    Expected<std::vector<storage::Row>> readRows(const std::string& table, const storage::Row& after,
                                                 int limit) override;
    Status insertRows(const std::string& table, const std::vector<storage::Row>& rows) override;
    Expected<std::int64_t> countRows(const std::string& table) override;

private:
    Session& s_;
};

}  // namespace obscura::sql

#pragma once
#include "obscura/storage/repositories.hpp"
#include "sql_session.hpp"

namespace obscura::sql {

// The media module's derivatives, on one borrowed connection.
class SqlMediaRepository final : public storage::MediaRepository {
public:
    explicit SqlMediaRepository(Session& session) : s_(session) {}

    Expected<std::int64_t> countDerivatives(const std::string& assetId) override {
        return guarded(s_, "count derivatives", [&]() -> Expected<std::int64_t> {
            auto stmt = s_.prepare("SELECT COUNT(*) FROM derivatives WHERE asset_id = ?");
            auto rows = stmt.bind(assetId).query();
            return rows.next() ? rows.int64(0) : 0;
        });
    }

private:
    Session& s_;
};

}  // namespace obscura::sql

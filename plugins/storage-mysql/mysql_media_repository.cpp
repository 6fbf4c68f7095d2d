#include "mysql_media_repository.hpp"

#include "mysql_errors.hpp"

namespace obscura::mysql {

Expected<std::int64_t> MysqlMediaRepository::countDerivatives(const std::string& assetId) {
    return guarded("count derivatives", [&]() -> Expected<std::int64_t> {
        auto stmt = connection_.prepare("SELECT COUNT(*) FROM derivatives WHERE asset_id = ?");
        auto rows = stmt.bind(assetId).query();
        return rows.next() ? rows.int64(0) : 0;
    });
}

}  // namespace obscura::mysql

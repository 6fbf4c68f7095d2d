#include "sqlite_media_repository.hpp"

#include "sqlite_errors.hpp"

namespace obscura::sqlite {

Expected<std::int64_t> SqliteMediaRepository::countDerivatives(const std::string& assetId) {
    return guarded("count derivatives", [&]() -> Expected<std::int64_t> {
        auto stmt = connection_.prepare("SELECT COUNT(*) FROM derivatives WHERE asset_id = ?1");
        stmt.bind(1, assetId);
        return stmt.step() ? stmt.int64(0) : 0;
    });
}

}  // namespace obscura::sqlite

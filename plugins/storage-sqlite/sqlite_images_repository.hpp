#pragma once
#include "obscura/storage/repositories.hpp"
#include "sqlite_connection.hpp"

namespace obscura::sqlite {

// The images module's assets, on one borrowed connection.
class SqliteImagesRepository final : public storage::ImagesRepository {
public:
    explicit SqliteImagesRepository(Connection& connection) : connection_(connection) {}

    Expected<storage::AssetCounts> countAssets(const std::string& ownerId) override;

private:
    Connection& connection_;
};

}  // namespace obscura::sqlite

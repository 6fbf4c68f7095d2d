#pragma once
#include "mysql_connection.hpp"
#include "obscura/storage/repositories.hpp"

namespace obscura::mysql {

// The media module's derivatives, on one borrowed connection.
class MysqlMediaRepository final : public storage::MediaRepository {
public:
    explicit MysqlMediaRepository(Connection& connection) : connection_(connection) {}

    Expected<std::int64_t> countDerivatives(const std::string& assetId) override;

private:
    Connection& connection_;
};

}  // namespace obscura::mysql

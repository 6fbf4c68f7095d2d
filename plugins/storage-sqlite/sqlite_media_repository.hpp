#pragma once
#include "obscura/storage/repositories.hpp"
#include "sqlite_connection.hpp"

namespace obscura::sqlite {

// The media module's derivatives, on one borrowed connection.
class SqliteMediaRepository final : public storage::MediaRepository {
public:
    explicit SqliteMediaRepository(Connection& connection) : connection_(connection) {}

    Expected<std::int64_t> countDerivatives(const std::string& assetId) override;

private:
    Connection& connection_;
};

}  // namespace obscura::sqlite

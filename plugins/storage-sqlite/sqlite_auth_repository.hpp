#pragma once
#include "obscura/storage/repositories.hpp"
#include "sqlite_connection.hpp"

namespace obscura::sqlite {

// The auth module's users, on one borrowed connection (inside or outside a transaction).
class SqliteAuthRepository final : public storage::AuthRepository {
public:
    explicit SqliteAuthRepository(Connection& connection) : connection_(connection) {}

    Expected<std::int64_t> countUsers() override;
    Status createUser(const storage::UserRecord& user) override;
    Expected<std::optional<storage::UserRecord>> findUserById(const std::string& id) override;
    Expected<std::optional<storage::UserRecord>> findUserByUsernameKey(const std::string& usernameKey) override;

private:
    Connection& connection_;
};

}  // namespace obscura::sqlite

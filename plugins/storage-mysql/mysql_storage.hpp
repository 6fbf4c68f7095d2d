#pragma once
// The MySQL/MariaDB implementation of the storage API: a pool of connections to one database.
#include <memory>
#include <string>
#include <vector>

#include "mysql_connection.hpp"
#include "sql_pool.hpp"
#include "sql_storage.hpp"

namespace obscura::mysql {

// Every migration this plugin knows, in application order (mysql_schema.cpp).
const std::vector<sql::Migration>& allMigrations();

class MysqlStorage final : public sql::PooledStorage<sql::ConnectionPool<Connection>> {
public:
    static constexpr int kMaxPoolSize = 256;
    // How long a call waits for a busy pool before answering Unavailable.
    static constexpr std::chrono::seconds kAcquireTimeout{10};
    // Migrations may run long DDL: their connection waits this long for an answer.
    static constexpr int kMigrationReadTimeoutSeconds = 3600;

    static Expected<std::unique_ptr<storage::Storage>> open(const storage::StorageOptions& options);

    MysqlStorage(ConnectionSettings settings, int poolSize);

    // MySQL commits implicitly around every DDL statement, so a migration cannot be one transaction: each
    // statement is safe to run again (CREATE TABLE IF NOT EXISTS with its indexes inline, DROP … IF EXISTS), the
    // whole run holds a named server lock (GET_LOCK) so racing processes take turns, and the version is recorded
    // after the last statement. A run cut short is simply completed by the next one.
    Expected<storage::MigrationResult> migrate(std::string_view module) override;

    // mysql_backup.cpp: a dump of every table (sql_dump.hpp) read in one consistent-snapshot transaction, and
    // its restore into an empty database at the same schema versions.
    Status backupTo(const std::string& path, const storage::RepoFn& inSnapshot) override;
    Status restoreFrom(const std::string& path) override;

private:
    const ConnectionSettings settings_;
};

class MysqlStorageFactory final : public storage::StorageFactory {
public:
    Expected<std::unique_ptr<storage::Storage>> open(const storage::StorageOptions& options) override;
    Status checkBackup(const std::string& path) override;  // mysql_backup.cpp
};

}  // namespace obscura::mysql

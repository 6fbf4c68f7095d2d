#pragma once
// The SQLite implementation of the storage API: one database file, a pool of WAL connections.
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "sql_pool.hpp"
#include "sql_storage.hpp"
#include "sqlite_connection.hpp"

namespace obscura::sqlite {

// Every migration this plugin knows, in application order (sqlite_schema.cpp).
const std::vector<sql::Migration>& allMigrations();

class SqliteStorage final : public sql::PooledStorage<sql::ConnectionPool<Connection>> {
public:
    // Writers queue on SQLite's lock (and callers on a free connection) this long before a call answers
    // Unavailable.
    static constexpr std::chrono::milliseconds kBusyTimeout{10'000};
    static constexpr int kMaxPoolSize = 64;

    static Expected<std::unique_ptr<storage::Storage>> open(const storage::StorageOptions& options);

    SqliteStorage(const std::string& path, int poolSize);

    // Each migration in its own BEGIN IMMEDIATE transaction with its record (SQLite's DDL is transactional).
    Expected<storage::MigrationResult> migrate(std::string_view module) override;

    // sqlite_backup.cpp: the online backup API, in one step inside a read transaction.
    Status backupTo(const std::string& path, const storage::RepoFn& inSnapshot) override;
    Status restoreFrom(const std::string& path) override;
};

class SqliteStorageFactory final : public storage::StorageFactory {
public:
    Expected<std::unique_ptr<storage::Storage>> open(const storage::StorageOptions& options) override;
    Status checkBackup(const std::string& path) override;  // sqlite_backup.cpp
};

}  // namespace obscura::sqlite

#pragma once
// The MySQL/MariaDB implementation of the storage API: a pool of connections to one database.
#include <memory>
#include <string>

#include "mysql_pool.hpp"
#include "obscura/storage/storage.hpp"

namespace obscura::mysql {

class MysqlStorage final : public storage::Storage {
public:
    static constexpr int kMaxPoolSize = 256;
    static constexpr std::string_view kName = "mysql";
    // A transaction the server rolled back as a deadlock victim runs again, this many times in all; one that
    // waited out innodb_lock_wait_timeout only twice, so a request waits at most two lock timeouts.
    static constexpr int kDeadlockAttempts = 5;
    static constexpr int kLockWaitAttempts = 2;
    // Migrations may run long DDL: their connection waits this long for an answer.
    static constexpr int kMigrationReadTimeoutSeconds = 3600;

    static Expected<std::unique_ptr<storage::Storage>> open(const storage::StorageOptions& options);

    MysqlStorage(ConnectionSettings settings, int poolSize);

    std::string_view name() const override { return kName; }
    Status ping() override;
    std::vector<storage::MigrationResult> knownMigrations() const override;
    Expected<storage::MigrationResult> migrate(std::string_view module) override;
    Expected<int> schemaVersion(std::string_view module) override;
    Status transaction(const storage::RepoFn& fn) override;
    Status run(const storage::RepoFn& fn) override;

private:
    // Fails when the calling thread is already inside a callback of this storage (see storage.hpp).
    Status checkNotReentered(std::string_view operation) const;
    // One attempt of transaction(); abortCode is set when the server aborted it (deadlock, lock wait timeout).
    Status attemptTransaction(const storage::RepoFn& fn, int& abortCode);

    ConnectionPool pool_;
};

class MysqlStorageFactory final : public storage::StorageFactory {
public:
    Expected<std::unique_ptr<storage::Storage>> open(const storage::StorageOptions& options) override;
};

}  // namespace obscura::mysql

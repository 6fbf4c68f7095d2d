#pragma once
// The SQLite implementation of the storage API: one database file, a pool of WAL connections.
#include <chrono>
#include <memory>
#include <string>

#include "obscura/storage/storage.hpp"
#include "sqlite_pool.hpp"

namespace obscura::sqlite {

class SqliteStorage final : public storage::Storage {
public:
    // Writers queue on SQLite's lock for this long before a call answers Unavailable.
    static constexpr std::chrono::milliseconds kBusyTimeout{10'000};
    static constexpr int kMaxPoolSize = 64;
    static constexpr std::string_view kName = "sqlite";

    static Expected<std::unique_ptr<storage::Storage>> open(const storage::StorageOptions& options);

    SqliteStorage(std::string path, int poolSize);

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

    std::string path_;
    ConnectionPool pool_;
};

class SqliteStorageFactory final : public storage::StorageFactory {
public:
    Expected<std::unique_ptr<storage::Storage>> open(const storage::StorageOptions& options) override;
};

}  // namespace obscura::sqlite

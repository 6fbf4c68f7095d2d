#include "sqlite_storage.hpp"

#include <algorithm>
#include <vector>

#include "sqlite_database_path.hpp"
#include "sqlite_migrations.hpp"
#include "sql_callbacks.hpp"
#include "sql_repositories.hpp"

namespace obscura::sqlite {

namespace {

// STRICT tables arrived in 3.37.
constexpr int kMinimumSqliteVersion = 3'037'000;

}  // namespace

Expected<std::unique_ptr<storage::Storage>> SqliteStorage::open(const storage::StorageOptions& options) {
    if (sqlite3_libversion_number() < kMinimumSqliteVersion) {
        return internalError("storage sqlite: SQLite " + std::string(sqlite3_libversion()) +
                             " is too old; 3.37 or newer is needed");
    }
    if (sqlite3_threadsafe() == 0) {
        return internalError("storage sqlite: this SQLite library was built without thread safety");
    }
    if (options.poolSize < 1 || options.poolSize > kMaxPoolSize) {
        return invalid("storage sqlite: pool size must be between 1 and " + std::to_string(kMaxPoolSize) + " (got " +
                       std::to_string(options.poolSize) + ")");
    }
    OBSCURA_TRY(path, resolveDatabasePath(options));
    OBSCURA_TRY_STATUS(ensureDatabaseFile(path));
    auto storage = std::make_unique<SqliteStorage>(path, options.poolSize);
    {
        auto lease = storage->pool_.acquire();
        ensureMigrationTable(*lease);
    }
    return std::unique_ptr<storage::Storage>(std::move(storage));
}

SqliteStorage::SqliteStorage(std::string path, int poolSize)
    : path_(std::move(path)), pool_(path_, poolSize, kBusyTimeout) {}

Status SqliteStorage::checkNotReentered(std::string_view operation) const {
    return sql::checkNotReentered(this, kName, operation);
}

Status SqliteStorage::ping() {
    OBSCURA_TRY_STATUS(checkNotReentered("ping"));
    return sql::guarded(kName, "ping", [&]() -> Status {
        auto lease = pool_.acquire();
        auto stmt = lease->prepare("SELECT 1");
        auto rows = stmt.query();
        if (!rows.next() || rows.int64(0) != 1) return unavailable("storage sqlite: ping: SELECT 1 returned no 1");
        return {};
    });
}

std::vector<storage::MigrationResult> SqliteStorage::knownMigrations() const {
    return sql::knownMigrations(allMigrations());
}

Expected<storage::MigrationResult> SqliteStorage::migrate(std::string_view module) {
    OBSCURA_TRY_STATUS(checkNotReentered("migrate"));
    return sql::guarded(kName, "migrate module '" + std::string(module) + "'", [&]() -> Expected<storage::MigrationResult> {
        auto lease = pool_.acquire();
        return sql::migrateModule(*lease, allMigrations(), module, true);
    });
}

Expected<int> SqliteStorage::schemaVersion(std::string_view module) {
    OBSCURA_TRY_STATUS(checkNotReentered("schemaVersion"));
    return sql::guarded(kName, "read schema version", [&]() -> Expected<int> {
        auto lease = pool_.acquire();
        return sql::recordedVersion(*lease, module);
    });
}

Status SqliteStorage::transaction(const storage::RepoFn& fn) {
    if (!fn) return internalError("storage sqlite: transaction called without a callback");
    OBSCURA_TRY_STATUS(checkNotReentered("transaction"));
    return sql::guarded(kName, "transaction", [&]() -> Status {
        auto lease = pool_.acquire();
        lease->begin(false);
        sql::SqlRepositories repos(*lease);
        Status status = sql::invokeCallback(this, kName, fn, repos, "transaction");
        if (!status) {
            if (!lease->rollbackQuietly()) {
                return internalError("storage sqlite: rollback failed after: " + status.error().message);
            }
            return status;
        }
        if (!lease->inTransaction()) {
            // SQLite ends a transaction by itself on some errors (disk full, I/O) even if the callback
            // carried on: committing now would silently commit nothing.
            return internalError(
                "storage sqlite: the database rolled the transaction back after an earlier "
                "error; nothing was committed");
        }
        lease->commit();
        return {};
    });
}

Status SqliteStorage::run(const storage::RepoFn& fn) {
    if (!fn) return internalError("storage sqlite: run called without a callback");
    OBSCURA_TRY_STATUS(checkNotReentered("run"));
    return sql::guarded(kName, "run", [&]() -> Status {
        auto lease = pool_.acquire();
        sql::SqlRepositories repos(*lease);
        return sql::invokeCallback(this, kName, fn, repos, "run");
    });
}

Expected<std::unique_ptr<storage::Storage>> SqliteStorageFactory::open(const storage::StorageOptions& options) {
    return sql::guarded(SqliteStorage::kName, "open", [&]() { return SqliteStorage::open(options); });
}

}  // namespace obscura::sqlite

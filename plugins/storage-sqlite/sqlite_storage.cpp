#include "sqlite_storage.hpp"

#include "sqlite_database_path.hpp"

namespace obscura::sqlite {

namespace {

// STRICT tables arrived in 3.37.
constexpr int kMinimumSqliteVersion = 3'037'000;

// Creates schema_migrations when absent (idempotent).
void ensureMigrationTable(Connection& connection) {
    connection.exec(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " module TEXT NOT NULL,"
        " version INTEGER NOT NULL,"
        " applied_at TEXT NOT NULL,"
        " PRIMARY KEY (module, version)"
        ") STRICT");
}

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

SqliteStorage::SqliteStorage(const std::string& path, int poolSize)
    : PooledStorage(
          sqliteDialect(), allMigrations(), [path] { return std::make_unique<Connection>(path, kBusyTimeout); },
          poolSize, kBusyTimeout) {}

Expected<storage::MigrationResult> SqliteStorage::migrate(std::string_view module) {
    OBSCURA_TRY_STATUS(sql::checkNotReentered(this, name(), "migrate"));
    return sql::guarded(name(), "migrate module '" + std::string(module) + "'",
                        [&]() -> Expected<storage::MigrationResult> {
                            auto lease = pool_.acquire();
                            return sql::migrateModule(*lease, allMigrations(), module, true);
                        });
}

Expected<std::unique_ptr<storage::Storage>> SqliteStorageFactory::open(const storage::StorageOptions& options) {
    return sql::guarded("sqlite", "open", [&]() { return SqliteStorage::open(options); });
}

}  // namespace obscura::sqlite

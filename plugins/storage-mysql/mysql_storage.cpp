#include "mysql_storage.hpp"

#include <cstdio>
#include <tuple>

namespace obscura::mysql {

namespace {

// How long a migrating process waits for another one that holds the lock.
constexpr int kMigrationLockSeconds = 120;

// Server-wide lock names are limited to 64 characters; the database name keeps two databases on one server
// (test databases, staging beside production) from waiting for each other.
constexpr std::string_view kLockName = "LEFT(CONCAT('obscura_migrate:', DATABASE()), 64)";

// Holds the database's migration lock; released even when a statement throws.
class MigrationLock {
public:
    explicit MigrationLock(Connection& connection) : connection_(connection) {
        auto stmt = connection_.prepare("SELECT GET_LOCK(" + std::string(kLockName) + ", ?)");
        stmt.bind(kMigrationLockSeconds);
        auto rows = stmt.query();
        if (!rows.next() || rows.isNull(0)) throw MysqlError(0, "GET_LOCK failed for the migration lock");
        if (rows.int64(0) != 1) {
            throw MysqlError(1205, "another process has held the migration lock for " +
                                       std::to_string(kMigrationLockSeconds) + " s; try again when it is done");
        }
    }
    ~MigrationLock() {
        try {
            auto stmt = connection_.prepare("SELECT RELEASE_LOCK(" + std::string(kLockName) + ")");
            auto rows = stmt.query();
            while (rows.next()) {
            }
        } catch (...) {
            // A dead connection released the lock with its session.
        }
    }
    MigrationLock(const MigrationLock&) = delete;
    MigrationLock& operator=(const MigrationLock&) = delete;

private:
    Connection& connection_;
};

// The servers this plugin supports: MariaDB 10.6+ and MySQL 8.0.16+ (SKIP LOCKED, enforced CHECK constraints).
// Invalid, naming the server and the minimum, when the connected server is too old.
Status checkServerVersion(Connection& connection) {
    auto stmt = connection.prepare("SELECT VERSION()");
    auto rows = stmt.query();
    // "10.11.6-MariaDB-0+deb12u1", "8.0.36", "8.0.36-0ubuntu0.22.04.1".
    const std::string text = rows.next() ? rows.text(0) : "";
    int major = 0, minor = 0, patch = 0;
    if (std::sscanf(text.c_str(), "%d.%d.%d", &major, &minor, &patch) < 2) major = minor = patch = 0;
    const auto at = std::make_tuple(major, minor, patch);
    const bool mariadb = text.find("MariaDB") != std::string::npos;
    const bool supported = mariadb ? at >= std::make_tuple(10, 6, 0) : at >= std::make_tuple(8, 0, 16);
    if (!supported) {
        return invalid("storage mysql: the server is " + (text.empty() ? std::string("of unknown version") : text) +
                       "; Obscura needs MariaDB 10.6 or newer, or MySQL 8.0.16 or newer");
    }
    return {};
}

// Creates schema_migrations when absent (idempotent).
void ensureMigrationTable(Connection& connection) {
    connection.exec(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " module VARCHAR(64) NOT NULL,"
        " version INT NOT NULL,"
        " applied_at VARCHAR(64) NOT NULL,"
        " PRIMARY KEY (module, version)"
        ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin");
}

}  // namespace

Expected<std::unique_ptr<storage::Storage>> MysqlStorage::open(const storage::StorageOptions& options) {
    if (options.poolSize < 1 || options.poolSize > kMaxPoolSize) {
        return invalid("storage mysql: pool size must be between 1 and " + std::to_string(kMaxPoolSize) + " (got " +
                       std::to_string(options.poolSize) + ")");
    }
    OBSCURA_TRY(settings, parseConnectionSettings(options));
    auto storage = std::make_unique<MysqlStorage>(settings, options.poolSize);
    // One connection at once, so a wrong URL, password or server fails at open() with its reason.
    auto lease = storage->pool_.acquire();
    OBSCURA_TRY_STATUS(checkServerVersion(*lease));
    ensureMigrationTable(*lease);
    return std::unique_ptr<storage::Storage>(std::move(storage));
}

MysqlStorage::MysqlStorage(ConnectionSettings settings, int poolSize)
    : PooledStorage(
          mysqlDialect(), allMigrations(), [settings] { return Connection::open(settings); }, poolSize,
          kAcquireTimeout),
      settings_(std::move(settings)) {}

Expected<storage::MigrationResult> MysqlStorage::migrate(std::string_view module) {
    OBSCURA_TRY_STATUS(sql::checkNotReentered(this, name(), "migrate"));
    return sql::guarded(name(), "migrate module '" + std::string(module) + "'",
                        [&]() -> Expected<storage::MigrationResult> {
                            auto connection = Connection::open(settings_, kMigrationReadTimeoutSeconds);
                            MigrationLock lock(*connection);
                            return sql::migrateModule(*connection, allMigrations(), module, false);
                        });
}

Expected<std::unique_ptr<storage::Storage>> MysqlStorageFactory::open(const storage::StorageOptions& options) {
    return sql::guarded("mysql", "open", [&]() { return MysqlStorage::open(options); });
}

}  // namespace obscura::mysql

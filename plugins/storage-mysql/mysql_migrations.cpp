#include "mysql_migrations.hpp"

#include <string>

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

}  // namespace

void ensureMigrationTable(Connection& connection) {
    connection.exec(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " module VARCHAR(64) NOT NULL,"
        " version INT NOT NULL,"
        " applied_at VARCHAR(64) NOT NULL,"
        " PRIMARY KEY (module, version)"
        ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin");
}

Expected<storage::MigrationResult> migrateModule(Connection& connection, std::string_view module) {
    MigrationLock lock(connection);
    return sql::migrateModule(connection, allMigrations(), module, false);
}

}  // namespace obscura::mysql

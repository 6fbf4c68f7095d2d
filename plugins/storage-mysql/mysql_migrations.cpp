#include "mysql_migrations.hpp"

#include <string>

namespace obscura::mysql {

namespace {

// How long a migrating process waits for another one that holds the lock.
constexpr int kMigrationLockSeconds = 120;

// Server-wide lock names are limited to 64 characters; the database name keeps two databases on one server
// (test databases, staging beside production) from waiting for each other.
constexpr std::string_view kLockName = "LEFT(CONCAT('obscura_migrate:', DATABASE()), 64)";

int latestVersion(std::string_view module) {
    int latest = 0;
    for (const auto& m : allMigrations()) {
        if (m.module == module && m.version > latest) latest = m.version;
    }
    return latest;
}

std::string knownModuleList() {
    std::string list;
    for (const auto& known : knownMigrations()) {
        if (!list.empty()) list += ", ";
        list += known.module;
    }
    return list;
}

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

std::vector<storage::MigrationResult> knownMigrations() {
    std::vector<storage::MigrationResult> known;
    for (const auto& m : allMigrations()) {
        bool seen = false;
        for (const auto& k : known) seen = seen || k.module == m.module;
        if (!seen) known.push_back({std::string(m.module), 0, latestVersion(m.module)});
    }
    return known;
}

void ensureMigrationTable(Connection& connection) {
    connection.exec(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " module VARCHAR(64) NOT NULL,"
        " version INT NOT NULL,"
        " applied_at VARCHAR(64) NOT NULL,"
        " PRIMARY KEY (module, version)"
        ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin");
}

int recordedVersion(Connection& connection, std::string_view module) {
    auto stmt = connection.prepare("SELECT COALESCE(MAX(version), 0) FROM schema_migrations WHERE module = ?");
    stmt.bind(module);
    auto rows = stmt.query();
    return rows.next() ? static_cast<int>(rows.int64(0)) : 0;
}

Expected<storage::MigrationResult> migrateModule(Connection& connection, std::string_view module) {
    const int latest = latestVersion(module);
    if (latest == 0) {
        return invalid("storage mysql: no migrations for module '" + std::string(module) +
                       "' (known modules: " + knownModuleList() + ")");
    }
    MigrationLock lock(connection);
    // Read under the lock, so of several racers exactly one reports the steps it applied.
    const int current = recordedVersion(connection, module);
    storage::MigrationResult result{std::string(module), current, current};
    if (current > latest) {
        return invalid("storage mysql: module '" + std::string(module) + "' is at schema version " +
                       std::to_string(current) + " but this build knows only up to " + std::to_string(latest) +
                       "; run a newer obscura");
    }
    for (const auto& migration : allMigrations()) {
        if (migration.module != module || migration.version <= current) continue;
        for (const auto& dependency : migration.dependsOn) {
            const int have = recordedVersion(connection, dependency.module);
            if (have < dependency.version) {
                return invalid("storage mysql: cannot migrate module '" + std::string(module) + "' to version " +
                               std::to_string(migration.version) + ": it needs module '" +
                               std::string(dependency.module) + "' at version " + std::to_string(dependency.version) +
                               " (it is at " + std::to_string(have) + "); migrate '" + std::string(dependency.module) +
                               "' first");
            }
        }
        for (const auto statement : migration.statements) connection.exec(statement);
        auto record = connection.prepare(
            "INSERT INTO schema_migrations (module, version, applied_at)"
            " VALUES (?, ?, DATE_FORMAT(UTC_TIMESTAMP(6), '%Y-%m-%dT%H:%i:%s.%fZ'))");
        record.bind(module, migration.version).update();
        result.toVersion = migration.version;
    }
    return result;
}

}  // namespace obscura::mysql

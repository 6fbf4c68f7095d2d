#include "sqlite_migrations.hpp"

#include <string>

namespace obscura::sqlite {

namespace {

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

// Rolls back unless committed: a throw between BEGIN and COMMIT must not leave the lock held.
class ImmediateTransaction {
public:
    explicit ImmediateTransaction(Connection& connection) : connection_(connection) {
        connection_.exec("BEGIN IMMEDIATE");
    }
    ~ImmediateTransaction() {
        if (!committed_) connection_.rollbackQuietly();
    }
    void commit() {
        connection_.exec("COMMIT");
        committed_ = true;
    }

private:
    Connection& connection_;
    bool committed_ = false;
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
        " module TEXT NOT NULL,"
        " version INTEGER NOT NULL,"
        " applied_at TEXT NOT NULL,"
        " PRIMARY KEY (module, version)"
        ") STRICT");
}

int recordedVersion(Connection& connection, std::string_view module) {
    auto stmt = connection.prepare("SELECT COALESCE(MAX(version), 0) FROM schema_migrations WHERE module = ?1");
    stmt.bind(1, module);
    return stmt.step() ? static_cast<int>(stmt.int64(0)) : 0;
}

Expected<storage::MigrationResult> migrateModule(Connection& connection, std::string_view module) {
    const int latest = latestVersion(module);
    if (latest == 0) {
        return invalid("storage sqlite: no migrations for module '" + std::string(module) +
                       "' (known modules: " + knownModuleList() + ")");
    }
    storage::MigrationResult result{std::string(module), -1, 0};
    for (const auto& migration : allMigrations()) {
        if (migration.module != module) continue;
        ImmediateTransaction transaction(connection);
        // Another process may have applied it since we looked: decide under the write lock. fromVersion is
        // read here too, so of several racers exactly one reports the step it applied.
        const int current = recordedVersion(connection, module);
        if (result.fromVersion < 0) result.fromVersion = current;
        if (current > latest) {
            return invalid("storage sqlite: module '" + std::string(module) + "' is at schema version " +
                           std::to_string(current) + " but this build knows only up to " + std::to_string(latest) +
                           "; run a newer obscura");
        }
        if (migration.version <= current) continue;
        for (const auto& dependency : migration.dependsOn) {
            const int have = recordedVersion(connection, dependency.module);
            if (have < dependency.version) {
                return invalid("storage sqlite: cannot migrate module '" + std::string(module) + "' to version " +
                               std::to_string(migration.version) + ": it needs module '" +
                               std::string(dependency.module) + "' at version " + std::to_string(dependency.version) +
                               " (it is at " + std::to_string(have) + "); migrate '" + std::string(dependency.module) +
                               "' first");
            }
        }
        connection.exec(migration.script);
        auto record = connection.prepare(
            "INSERT INTO schema_migrations (module, version, applied_at)"
            " VALUES (?1, ?2, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))");
        record.bind(1, module).bind(2, migration.version).run();
        transaction.commit();
    }
    result.toVersion = recordedVersion(connection, module);
    return result;
}

}  // namespace obscura::sqlite

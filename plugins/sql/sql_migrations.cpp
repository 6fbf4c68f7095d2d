#include "sql_migrations.hpp"

#include <chrono>
#include <string>

#include "obscura/base/rfc3339.hpp"

namespace obscura::sql {

namespace {

int latestVersion(const std::vector<Migration>& all, std::string_view module) {
    int latest = 0;
    for (const auto& m : all) {
        if (m.module == module && m.version > latest) latest = m.version;
    }
    return latest;
}

std::string knownModuleList(const std::vector<Migration>& all) {
    std::string list;
    for (const auto& known : knownMigrations(all)) {
        if (!list.empty()) list += ", ";
        list += known.module;
    }
    return list;
}

// Rolls back unless committed: a throw between BEGIN and COMMIT must not leave the lock held.
class OptionalTransaction {
public:
    OptionalTransaction(Session& s, bool open) : s_(s), open_(open) {
        if (open_) s_.begin(false);
    }
    ~OptionalTransaction() {
        if (open_) s_.rollbackQuietly();
    }
    void commit() {
        if (open_) s_.commit();
        open_ = false;
    }

private:
    Session& s_;
    bool open_;
};

}  // namespace

std::vector<storage::MigrationResult> knownMigrations(const std::vector<Migration>& all) {
    std::vector<storage::MigrationResult> known;
    for (const auto& m : all) {
        bool seen = false;
        for (const auto& k : known) seen = seen || k.module == m.module;
        if (!seen) known.push_back({std::string(m.module), 0, latestVersion(all, m.module)});
    }
    return known;
}

int recordedVersion(Session& s, std::string_view module) {
    auto stmt = s.prepare("SELECT COALESCE(MAX(version), 0) FROM schema_migrations WHERE module = ?");
    auto rows = stmt.bind(module).query();
    return rows.next() ? static_cast<int>(rows.int64(0)) : 0;
}

Expected<storage::MigrationResult> migrateModule(Session& s, const std::vector<Migration>& all, std::string_view module,
                                                 bool transactional) {
    const std::string who = "storage " + std::string(backendName(s)) + ": ";
    const int latest = latestVersion(all, module);
    if (latest == 0) {
        return invalid(who + "no migrations for module '" + std::string(module) +
                       "' (known modules: " + knownModuleList(all) + ")");
    }
    storage::MigrationResult result{std::string(module), -1, 0};
    for (const auto& migration : all) {
        if (migration.module != module) continue;
        OptionalTransaction transaction(s, transactional);
        // Another process may have applied it since we looked: decide under the lock. fromVersion is read here
        // too, so of several racers exactly one reports the step it applied.
        const int current = recordedVersion(s, module);
        if (result.fromVersion < 0) result.fromVersion = current;
        if (current > latest) {
            return invalid(who + "module '" + std::string(module) + "' is at schema version " +
                           std::to_string(current) + " but this build knows only up to " + std::to_string(latest) +
                           "; run a newer obscura");
        }
        if (migration.version <= current) continue;
        for (const auto& dependency : migration.dependsOn) {
            const int have = recordedVersion(s, dependency.module);
            if (have < dependency.version) {
                return invalid(who + "cannot migrate module '" + std::string(module) + "' to version " +
                               std::to_string(migration.version) + ": it needs module '" +
                               std::string(dependency.module) + "' at version " + std::to_string(dependency.version) +
                               " (it is at " + std::to_string(have) + "); migrate '" + std::string(dependency.module) +
                               "' first");
            }
        }
        for (const auto statement : migration.statements) s.exec(statement);
        const auto now =
            std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
                .count();
        s.prepare("INSERT INTO schema_migrations (module, version, applied_at) VALUES (?, ?, ?)")
            .bind(module, migration.version, formatRfc3339(now))
            .execute();
        transaction.commit();
    }
    result.toVersion = recordedVersion(s, module);
    if (result.fromVersion < 0) result.fromVersion = result.toVersion;
    return result;
}

}  // namespace obscura::sql

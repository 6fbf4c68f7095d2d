#pragma once
// Per-module, versioned schema migrations recorded in schema_migrations(module, version). Each plugin keeps its
// own DDL (a list of Migration) and how racing processes take turns; the bookkeeping is written once here.
#include <string_view>
#include <vector>

#include "obscura/base/expected.hpp"
#include "obscura/storage/records.hpp"
#include "sql_session.hpp"

namespace obscura::sql {

struct MigrationDependency {
    std::string_view module;
    int version;
};

struct Migration {
    std::string_view module;
    int version;
    // Modules (at versions) whose tables this migration references: they must be migrated first (SQLite, for
    // one, accepts a REFERENCES to a missing table and only fails at the first insert).
    std::vector<MigrationDependency> dependsOn;
    std::vector<std::string_view> statements;  // each run by Session::exec
};

// The modules of a migration list with their latest versions (fromVersion 0).
std::vector<storage::MigrationResult> knownMigrations(const std::vector<Migration>& all);

int recordedVersion(Session& s, std::string_view module);

// Applies the module's pending migrations in order, recording each. transactional: each migration runs in its
// own transaction with its record (SQLite, whose DDL is transactional; its BEGIN takes the write lock, so the
// version is re-read under it and racing processes apply each migration once). Otherwise the caller holds a
// lock that makes racers take turns (MySQL commits around every DDL statement: each statement must be safe to
// run again, and a run cut short is completed by the next one).
Expected<storage::MigrationResult> migrateModule(Session& s, const std::vector<Migration>& all, std::string_view module,
                                                 bool transactional);

}  // namespace obscura::sql

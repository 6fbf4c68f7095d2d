#pragma once
// Per-module, versioned schema migrations recorded in schema_migrations(module, version).
#include <string_view>
#include <vector>

#include "obscura/base/expected.hpp"
#include "obscura/storage/records.hpp"
#include "sqlite_connection.hpp"

namespace obscura::sqlite {

struct MigrationDependency {
    std::string_view module;
    int version;
};

struct Migration {
    std::string_view module;
    int version;
    // Tables this migration references: they must exist first, because SQLite accepts a REFERENCES
    // to a missing table and only fails later, at the first insert.
    std::vector<MigrationDependency> dependsOn;
    std::string_view script;
};

// Every migration this plugin knows, in application order.
const std::vector<Migration>& allMigrations();

std::vector<storage::MigrationResult> knownMigrations();

// Creates schema_migrations when absent (idempotent).
void ensureMigrationTable(Connection& connection);

int recordedVersion(Connection& connection, std::string_view module);

// Applies the module's pending migrations, each in its own BEGIN IMMEDIATE transaction together with
// its schema_migrations row. The version is re-read under the write lock, so racing processes apply
// each migration once.
Expected<storage::MigrationResult> migrateModule(Connection& connection, std::string_view module);

}  // namespace obscura::sqlite

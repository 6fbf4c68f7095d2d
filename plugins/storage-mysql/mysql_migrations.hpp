#pragma once
// Per-module, versioned schema migrations recorded in schema_migrations(module, version).
//
// MySQL commits implicitly around every DDL statement, so a migration cannot be one transaction as it is in
// SQLite. Instead: a migration is a list of statements that are each safe to run again (CREATE TABLE IF NOT
// EXISTS with its indexes inline, DROP … IF EXISTS), the whole run holds a named server lock
// (GET_LOCK) so racing processes take turns, and the version is recorded after the last statement. A run
// cut short is simply completed by the next one.
#include <string_view>
#include <vector>

#include "mysql_connection.hpp"
#include "sql_migrations.hpp"
#include "obscura/base/expected.hpp"
#include "obscura/storage/records.hpp"

namespace obscura::mysql {

// Every migration this plugin knows, in application order.
const std::vector<sql::Migration>& allMigrations();

// Creates schema_migrations when absent (idempotent).
void ensureMigrationTable(Connection& connection);

// Applies the module's pending migrations (sql::migrateModule) under the database's migration lock, so racing
// processes take turns and the second finds the work done.
Expected<storage::MigrationResult> migrateModule(Connection& connection, std::string_view module);

}  // namespace obscura::mysql

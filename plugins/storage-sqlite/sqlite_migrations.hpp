#pragma once
// The SQLite schema's migrations (sqlite_schema.cpp), applied by sql::migrateModule.
#include <vector>

#include "sql_migrations.hpp"
#include "sqlite_connection.hpp"

namespace obscura::sqlite {

// Every migration this plugin knows, in application order.
const std::vector<sql::Migration>& allMigrations();

// Creates schema_migrations when absent (idempotent).
void ensureMigrationTable(Connection& connection);

}  // namespace obscura::sqlite

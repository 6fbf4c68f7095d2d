#include "sqlite_migrations.hpp"

namespace obscura::sqlite {

void ensureMigrationTable(Connection& connection) {
    connection.exec(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " module TEXT NOT NULL,"
        " version INTEGER NOT NULL,"
        " applied_at TEXT NOT NULL,"
        " PRIMARY KEY (module, version)"
        ") STRICT");
}

}  // namespace obscura::sqlite

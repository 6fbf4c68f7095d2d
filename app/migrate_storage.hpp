#pragma once
// `obscura migrate-storage --from sqlite:PATH --to mysql://user@host:3306/db`: copies a whole library's rows
// from one storage plugin to another, table by table (plugins/include/obscura/storage/table_rows.hpp), then
// checks that every table holds as many rows on both sides. The files in the data dir stay where they are.
//
// The source is read inside one transaction (for SQLite that also keeps writers out), so the copy is one
// consistent moment of it: stop the server first anyway. The target must be migrated-or-empty and hold no
// rows; an interrupted copy is redone into a fresh database.
#include <ostream>
#include <string>

#include "obscura/base/expected.hpp"

namespace obscura {

struct MigrateStorageOptions {
    std::string from;       // "sqlite:/path/obscura.db" or "mysql://user@host:port/db"
    std::string to;         // the same forms
    std::string password;   // database.password, for whichever side is MySQL
    std::string pluginDir;  // storage.pluginDir ("" = beside the executable)
    int pageRows = 500;     // rows per read and per target transaction
};

// Copies and verifies, writing one progress line per table to `out`; answers the summary.
Expected<std::string> migrateStorage(const MigrateStorageOptions& options, std::ostream& out);

}  // namespace obscura

#pragma once
#include <string>

#include "obscura/base/expected.hpp"
#include "obscura/storage/storage.hpp"

namespace obscura::sqlite {

// The absolute path of the database file: database.url when set (sqlite:/abs/path.db, or the URI form
// sqlite:///abs/path.db), else <dataDir>/obscura.db. Anything else is Invalid, naming the key at fault.
Expected<std::string> resolveDatabasePath(const storage::StorageOptions& options);

// Creates the file (mode 0600: it holds password hashes) when absent, so a missing or unwritable
// directory is reported with the path and errno's text rather than SQLite's generic "unable to open".
// SQLite gives its -wal and -shm files the database file's mode.
Status ensureDatabaseFile(const std::string& path);

}  // namespace obscura::sqlite

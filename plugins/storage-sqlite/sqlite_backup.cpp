// Backup and restore through SQLite's online backup API (storage.hpp: backupTo, restoreFrom, checkBackup).
//
// backupTo opens a read transaction on one pooled connection and copies every page in one
// sqlite3_backup_step(-1) inside it: in WAL mode writers (this process's or another's) carry on meanwhile, and
// the copy is exactly that transaction's snapshot — a step-by-step backup would restart each time a writer
// committed, and might never finish under steady uploads. inSnapshot then reads the same snapshot.
#include <fcntl.h>
#include <unistd.h>

#include <filesystem>

#include "sql_repositories.hpp"
#include "sqlite_storage.hpp"

namespace obscura::sqlite {

namespace {

struct Handle {
    sqlite3* db = nullptr;
    ~Handle() { sqlite3_close_v2(db); }
};

Status openFile(const std::string& path, int flags, Handle& handle) {
    const int rc = sqlite3_open_v2(path.c_str(), &handle.db, flags | SQLITE_OPEN_EXRESCODE, nullptr);
    if (rc != SQLITE_OK) {
        return invalid("storage sqlite: cannot open " + path + ": " +
                       (handle.db != nullptr ? sqlite3_errmsg(handle.db) : sqlite3_errstr(rc)));
    }
    return {};
}

// Copies every page of from's main database into to's, in one step.
Status copyPages(sqlite3* from, sqlite3* to, const std::string& what) {
    sqlite3_backup* backup = sqlite3_backup_init(to, "main", from, "main");
    if (backup == nullptr) return internalError("storage sqlite: " + what + ": " + sqlite3_errmsg(to));
    const int step = sqlite3_backup_step(backup, -1);
    const int finished = sqlite3_backup_finish(backup);
    if (step != SQLITE_DONE || finished != SQLITE_OK) {
        return internalError("storage sqlite: " + what + ": " + sqlite3_errstr(step != SQLITE_DONE ? step : finished));
    }
    return {};
}

Status execOn(sqlite3* db, const char* sql, const std::string& what) {
    char* message = nullptr;
    if (sqlite3_exec(db, sql, nullptr, nullptr, &message) != SQLITE_OK) {
        std::string text = message != nullptr ? message : "unknown error";
        sqlite3_free(message);
        return invalid("storage sqlite: " + what + ": " + text);
    }
    return {};
}

Status syncFile(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0 || ::fsync(fd) != 0) {
        if (fd >= 0) ::close(fd);
        return internalError("storage sqlite: cannot sync " + path);
    }
    ::close(fd);
    return {};
}

// The first table (other than schema_migrations) that holds a row, or "".
std::string firstTableWithRows(Connection& connection) {
    std::vector<std::string> tables;
    {
        auto stmt = connection.prepare(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "AND name <> 'schema_migrations' AND sql NOT LIKE 'CREATE VIRTUAL%' ORDER BY name");
        auto rows = stmt.query();
        while (rows.next()) tables.push_back(rows.text(0));
    }
    for (const auto& table : tables) {
        auto stmt = connection.prepare("SELECT EXISTS (SELECT 1 FROM \"" + table + "\")");
        auto rows = stmt.query();
        if (rows.next() && rows.int64(0) != 0) return table;
    }
    return "";
}

}  // namespace

Status SqliteStorage::backupTo(const std::string& path, const storage::RepoFn& inSnapshot) {
    OBSCURA_TRY_STATUS(sql::checkNotReentered(this, name(), "backupTo"));
    std::error_code ec;
    if (std::filesystem::exists(path, ec)) return invalid("storage sqlite: backup: " + path + " already exists");
    return sql::guarded(name(), "backup", [&]() -> Status {
        auto lease = pool_.acquire();
        // A deferred transaction takes its snapshot at its first read; the backup and inSnapshot read inside it.
        lease->exec("BEGIN DEFERRED; SELECT COUNT(*) FROM schema_migrations;");
        struct EndRead {
            Connection& c;
            ~EndRead() { c.rollbackQuietly(); }
        } endRead{*lease};
        Handle target;
        OBSCURA_TRY_STATUS(openFile(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, target));
        OBSCURA_TRY_STATUS(copyPages(lease->handle(), target.db, "backup to " + path));
        // One self-contained file: no -wal beside it.
        OBSCURA_TRY_STATUS(execOn(target.db, "PRAGMA journal_mode=DELETE", "backup to " + path));
        sqlite3_close_v2(target.db);
        target.db = nullptr;
        OBSCURA_TRY_STATUS(syncFile(path));
        if (!inSnapshot) return {};
        sql::SqlRepositories repos(*lease);
        return sql::invokeCallback(this, name(), inSnapshot, repos, "backup");
    });
}

Status SqliteStorage::restoreFrom(const std::string& path) {
    OBSCURA_TRY_STATUS(sql::checkNotReentered(this, name(), "restoreFrom"));
    OBSCURA_TRY_STATUS(SqliteStorageFactory().checkBackup(path));
    return sql::guarded(name(), "restore", [&]() -> Status {
        auto lease = pool_.acquire();
        if (const auto table = firstTableWithRows(*lease); !table.empty()) {
            return invalid("storage sqlite: restore refused: the database already holds data (table " + table +
                           "); restore into an empty database");
        }
        Handle source;
        OBSCURA_TRY_STATUS(openFile(path, SQLITE_OPEN_READONLY, source));
        return copyPages(source.db, lease->handle(), "restore from " + path);
    });
}

Status SqliteStorageFactory::checkBackup(const std::string& path) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) return invalid("backup: no database copy at " + path);
    Handle copy;
    OBSCURA_TRY_STATUS(openFile(path, SQLITE_OPEN_READONLY, copy));
    std::string verdict;
    char* message = nullptr;
    const auto collect = [](void* out, int, char** values, char**) {
        auto& text = *static_cast<std::string*>(out);
        if (!text.empty()) text += "; ";
        text += values[0] != nullptr ? values[0] : "";
        return 0;
    };
    const int rc = sqlite3_exec(copy.db, "PRAGMA integrity_check(5)", collect, &verdict, &message);
    if (rc != SQLITE_OK || verdict != "ok") {
        std::string why = rc != SQLITE_OK ? (message != nullptr ? message : sqlite3_errstr(rc)) : verdict;
        sqlite3_free(message);
        return invalid("backup: the database copy " + path + " is damaged: " + why);
    }
    return execOn(copy.db, "SELECT COUNT(*) FROM schema_migrations", "backup: the database copy " + path);
}

}  // namespace obscura::sqlite

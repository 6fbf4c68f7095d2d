#pragma once
// The SQLite driver behind sql::Session (sql_session.hpp): one sqlite3 handle, its pragmas and its statement
// cache. Failures are thrown as SqliteError (an sql::SqlError) and turned into obscura::Error by sql::guarded().
#include <sqlite3.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "sql_session.hpp"

namespace obscura::sqlite {

// This driver's SQL differences (sqlite_dialect.cpp).
const sql::Dialect& sqliteDialect();

// UNIQUE/PRIMARY KEY → Conflict; BUSY/LOCKED (after the busy timeout) → Busy; anything else → Internal.
sql::Failure classify(int extendedCode);

class SqliteError : public sql::SqlError {
public:
    SqliteError(int extendedCode, std::string message)
        : sql::SqlError(classify(extendedCode), extendedCode, std::move(message)) {}
    int primaryCode() const noexcept { return code() & 0xff; }
};

// The driver behind sql::Session: one sqlite3 handle and its statement cache.
class Connection final : public sql::Session {
public:
    // Opens (creating when absent) the database and applies the pragmas every connection needs.
    Connection(const std::string& path, std::chrono::milliseconds busyTimeout);
    ~Connection();
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    // Runs every statement of a parameterless script (DDL, BEGIN/COMMIT).
    void exec(std::string_view script) override;
    bool inTransaction() const override { return sqlite3_get_autocommit(db_) == 0; }
    // IMMEDIATE takes the write lock up front: a deferred transaction that reads and then writes can fail
    // with SQLITE_BUSY on the upgrade without the busy handler ever waiting.
    void begin(bool readCommitted) override;
    void commit() override { exec("COMMIT"); }
    // Best effort, never throws: used on error paths and by the pool before reuse.
    bool rollbackQuietly() noexcept override;
    bool ping() override;                            // SELECT 1
    bool broken() const { return broken_; }          // a rollback failed: the pool drops it instead of reusing it
    std::chrono::steady_clock::time_point lastUsed;  // kept by the pool
    std::uint64_t generation = 0;
    const sql::Dialect& dialect() const override;
    sqlite3* handle() const { return db_; }

    // Throws SqliteError built from the handle's current message; `what` says which operation failed.
    [[noreturn]] void fail(int rc, std::string_view what) const;

protected:
    sql::Cursor* open(std::string_view sql) override;

private:
    sqlite3* db_ = nullptr;
    bool broken_ = false;
    struct Finalize {
        void operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }
    };
    sql::StatementCache<std::unique_ptr<sqlite3_stmt, Finalize>> cache_;
};

}  // namespace obscura::sqlite

#pragma once
// A thin RAII layer over one sqlite3 handle. Inside the plugin, failures are thrown as SqliteError and
// turned into obscura::Error at the plugin boundary (sqlite_errors.hpp): repository code stays linear.
#include <sqlite3.h>

#include <chrono>
#include <cstdint>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace obscura::sqlite {

class SqliteError : public std::exception {
public:
    SqliteError(int extendedCode, std::string message) : code_(extendedCode), message_(std::move(message)) {}
    int code() const noexcept { return code_; }  // extended result code (e.g. SQLITE_CONSTRAINT_UNIQUE)
    int primaryCode() const noexcept { return code_ & 0xff; }
    const char* what() const noexcept override { return message_.c_str(); }

private:
    int code_;
    std::string message_;
};

class Connection;

// A prepared statement borrowed from a connection's cache (or owned, when the cached one is busy).
// Reset and unbound on destruction so the cache can hand it out again.
class Statement {
public:
    // inUse points at the cache slot's flag, or is null for a statement this object owns and finalizes.
    Statement(Connection& connection, sqlite3_stmt* stmt, bool* inUse);
    Statement(Statement&& other) noexcept;
    Statement& operator=(Statement&&) = delete;
    Statement(const Statement&) = delete;
    ~Statement();

    // Parameters are 1-based, as in SQLite. Text is copied (SQLITE_TRANSIENT): callers may pass temporaries.
    Statement& bind(int index, std::string_view text);
    Statement& bind(int index, const std::string& text) { return bind(index, std::string_view(text)); }
    Statement& bind(int index, const char* text) { return bind(index, std::string_view(text)); }
    Statement& bind(int index, std::int64_t value);
    Statement& bind(int index, int value) { return bind(index, static_cast<std::int64_t>(value)); }
    Statement& bind(int index, bool value) { return bind(index, static_cast<std::int64_t>(value ? 1 : 0)); }
    Statement& bind(int index, double value);
    Statement& bind(int index, const std::optional<std::int64_t>& value);
    Statement& bindNull(int index);

    // True while a row is available.
    bool step();
    // Runs a statement that returns no rows.
    void run();

    bool isNull(int column) const;
    std::string text(int column) const;
    std::int64_t int64(int column) const;
    std::optional<std::int64_t> optionalInt64(int column) const;
    double real(int column) const;
    bool boolean(int column) const { return int64(column) != 0; }

private:
    Connection* connection_;
    sqlite3_stmt* stmt_;
    bool* inUse_;
};

class Connection {
public:
    // Opens (creating when absent) the database and applies the pragmas every connection needs.
    Connection(const std::string& path, std::chrono::milliseconds busyTimeout);
    ~Connection();
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    Statement prepare(std::string_view sql);
    // Runs every statement of a parameterless script (DDL, BEGIN/COMMIT).
    void exec(std::string_view script);
    bool inTransaction() const { return sqlite3_get_autocommit(db_) == 0; }
    // Best effort, never throws: used on error paths and by the pool before reuse.
    bool rollbackQuietly() noexcept;

    // Throws SqliteError built from the handle's current message; `what` says which operation failed.
    [[noreturn]] void fail(int rc, std::string_view what) const;

private:
    sqlite3* db_ = nullptr;
    struct CachedStatement {
        sqlite3_stmt* stmt = nullptr;
        bool inUse = false;
    };
    std::unordered_map<std::string, CachedStatement> cache_;
};

}  // namespace obscura::sqlite

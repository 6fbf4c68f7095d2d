#pragma once
// A thin RAII layer over one Connector/C++ 1.1 connection. Inside the plugin, failures are thrown as
// MysqlError and turned into obscura::Error at the plugin boundary (mysql_errors.hpp): repository code
// stays linear, as in the SQLite plugin. Every query is a server-side prepared statement, cached per
// connection; parameters are positional and bound in order with bind(a, b, c…).
#include <chrono>
#include <cstdint>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "mysql_url.hpp"

namespace sql {
class Connection;
class PreparedStatement;
class ResultSet;
class SQLException;
}  // namespace sql

namespace obscura::mysql {

// What a server error means to the caller.
enum class Failure : std::uint8_t {
    Conflict,  // a unique key is taken
    Busy,      // deadlock or lock wait timeout: try again
    Lost,      // the server cannot be reached or the connection died
    Rejected,  // the data breaks a column's rule (too long, bad value, check constraint)
    Internal,  // anything else: a bug or a broken schema
};

Failure classifyErrorCode(int code);

class MysqlError : public std::exception {
public:
    MysqlError(int code, std::string message) : code_(code), message_(std::move(message)) {}
    int code() const noexcept { return code_; }
    Failure failure() const noexcept { return classifyErrorCode(code_); }
    const char* what() const noexcept override { return message_.c_str(); }

private:
    int code_;
    std::string message_;
};

// Error codes the plugin reacts to (server: 1xxx/3xxx/4xxx; client library: 2xxx).
inline constexpr int kErDupEntry = 1062;
inline constexpr int kErLockWaitTimeout = 1205;
inline constexpr int kErLockDeadlock = 1213;
inline constexpr int kCrServerGone = 2006;
inline constexpr int kCrServerLost = 2013;

// A buffered result: every row is on the client once query() returns. Columns are 0-based here.
class Rows {
public:
    explicit Rows(std::unique_ptr<sql::ResultSet> rows);
    Rows(Rows&&) noexcept;
    ~Rows();
    bool next();
    bool isNull(int column) const;
    std::string text(int column) const;
    std::optional<std::string> optionalText(int column) const;
    std::int64_t int64(int column) const;
    std::optional<std::int64_t> optionalInt64(int column) const;
    double real(int column) const;
    std::optional<double> optionalReal(int column) const;
    bool boolean(int column) const { return int64(column) != 0; }

private:
    std::unique_ptr<sql::ResultSet> rows_;
};

class Connection;

// A prepared statement borrowed from its connection's cache (or owned, when the cached one is in use).
class Statement {
public:
    Statement(Connection& connection, sql::PreparedStatement* stmt, bool* inUse);
    Statement(Statement&& other) noexcept;
    Statement& operator=(Statement&&) = delete;
    Statement(const Statement&) = delete;
    ~Statement();

    // Binds every parameter, in order (?, ?, … are positional: a value used twice is bound twice).
    template <typename... Values>
    Statement& bind(const Values&... values) {
        unsigned index = 0;
        (set(++index, values), ...);
        return *this;
    }
    Rows query();
    // Rows matched by an UPDATE/DELETE (the connection uses CLIENT_FOUND_ROWS, so an UPDATE that writes the
    // values a row already has still counts it, as SQLite's changes() does), or inserted by an INSERT.
    std::int64_t update();

    void set(unsigned index, std::string_view value);
    void set(unsigned index, const std::string& value) { set(index, std::string_view(value)); }
    void set(unsigned index, const char* value) { set(index, std::string_view(value)); }
    void set(unsigned index, std::int64_t value);
    void set(unsigned index, int value) { set(index, static_cast<std::int64_t>(value)); }
    void set(unsigned index, bool value) { set(index, static_cast<std::int64_t>(value ? 1 : 0)); }
    void set(unsigned index, double value);
    void set(unsigned index, const std::optional<std::int64_t>& value);
    void set(unsigned index, const std::optional<std::string>& value);
    void set(unsigned index, const std::optional<double>& value);
    void set(unsigned index, std::nullptr_t);

private:
    Connection* connection_;
    sql::PreparedStatement* stmt_;
    bool* inUse_;
};

class Connection {
public:
    // Connects and applies the session settings every connection needs (utf8mb4, strict mode, UTC, lock
    // wait timeout). readTimeoutSeconds overrides the settings' (migrations run long DDL).
    static std::unique_ptr<Connection> open(const ConnectionSettings& settings,
                                            std::optional<int> readTimeoutSeconds = std::nullopt);
    ~Connection();
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    Statement prepare(std::string_view sql);
    // Runs one parameterless statement without preparing it (DDL, session settings).
    void exec(std::string_view sql);

    // START TRANSACTION … COMMIT. readCommitted: this one transaction at READ COMMITTED (no gap locks), for
    // short internal transactions that re-check every condition in their UPDATE anyway.
    void begin(bool readCommitted = false);
    void commit();
    // Best effort, never throws: used on error paths and before a connection goes back to the pool.
    bool rollbackQuietly() noexcept;
    bool inTransaction() const { return inTransaction_; }
    // The server rolled the current transaction back (a deadlock) or left it with a statement undone (a lock
    // wait timeout): nothing more may run in it, and the storage retries the whole transaction.
    bool aborted() const { return abortCode_ != 0; }
    // The error that aborted it (kErLockDeadlock, kErLockWaitTimeout, …), 0 when not aborted.
    int abortCode() const { return abortCode_; }
    // The connection died or is in an unknown state: the pool drops it instead of reusing it.
    bool broken() const { return broken_; }
    // A round trip (COM_PING). False when the server does not answer within the read timeout.
    bool ping() noexcept;

    // Throws the MysqlError for a Connector exception, after noting what it means for this connection.
    [[noreturn]] void fail(const sql::SQLException& e, std::string_view what);
    // Before each statement: a broken connection or an aborted transaction runs nothing.
    void checkUsable(std::string_view what) const;

    std::chrono::steady_clock::time_point lastUsed;  // the pool validates connections idle for a while
    std::uint64_t generation = 0;                    // the pool's loss generation when last validated

private:
    explicit Connection(std::unique_ptr<sql::Connection> raw);
    // Closes every cached statement not in use (server-side too).
    void dropIdleStatements() noexcept;
    friend class Statement;

    std::unique_ptr<sql::Connection> raw_;
    struct CachedStatement {
        std::unique_ptr<sql::PreparedStatement> stmt;
        bool inUse = false;
    };
    std::unordered_map<std::string, CachedStatement> cache_;
    bool inTransaction_ = false;
    int abortCode_ = 0;
    bool broken_ = false;
};

}  // namespace obscura::mysql

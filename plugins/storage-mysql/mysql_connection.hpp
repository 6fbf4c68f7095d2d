#pragma once
// The MySQL/MariaDB driver behind sql::Session (sql_session.hpp): one Connector/C++ 1.1 connection, its session
// settings and its statement cache. Every query is a server-side prepared statement, cached per connection.
// Failures are thrown as MysqlError (an sql::SqlError) and turned into obscura::Error by sql::guarded().
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "mysql_url.hpp"
#include "sql_session.hpp"

namespace sql {
class Connection;
class PreparedStatement;
class ResultSet;
class SQLException;
}  // namespace sql

namespace obscura::mysql {

// This driver's SQL differences (mysql_dialect.cpp).
const sql::Dialect& mysqlDialect();

using sql::Failure;

// What a server error means to the caller.
Failure classifyErrorCode(int code);

// Error codes the plugin reacts to (server: 1xxx/3xxx/4xxx; client library: 2xxx).
inline constexpr int kErLockWaitTimeout = 1205;
inline constexpr int kErLockDeadlock = 1213;
inline constexpr int kCrServerGone = 2006;

class MysqlError : public sql::SqlError {
public:
    MysqlError(int code, std::string message)
        : sql::SqlError(classifyErrorCode(code), code, std::move(message), code == kErLockDeadlock) {}
};

// The driver behind sql::Session: one Connector/C++ connection and its statement cache.
class Connection final : public sql::Session {
public:
    // Connects and applies the session settings every connection needs (utf8mb4, strict mode, UTC, lock
    // wait timeout). readTimeoutSeconds overrides the settings' (migrations run long DDL).
    static std::unique_ptr<Connection> open(const ConnectionSettings& settings,
                                            std::optional<int> readTimeoutSeconds = std::nullopt);
    ~Connection();
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    // Runs one parameterless statement without preparing it (DDL, session settings).
    void exec(std::string_view sql) override;

    // START TRANSACTION … COMMIT. readCommitted: this one transaction at READ COMMITTED (no gap locks), for
    // short internal transactions that re-check every condition in their UPDATE anyway.
    void begin(bool readCommitted) override;
    void commit() override;
    // START TRANSACTION WITH CONSISTENT SNAPSHOT at REPEATABLE READ, read only: every read until the rollback sees
    // one moment of the database (the backup's dump). Ended with rollbackQuietly().
    void beginSnapshot();
    // The Connector connection, for the backup's dump, which needs column types (mysql_backup.cpp).
    ::sql::Connection& native() { return *raw_; }
    // Best effort, never throws: used on error paths and before a connection goes back to the pool.
    bool rollbackQuietly() noexcept override;
    bool inTransaction() const override { return inTransaction_; }
    const sql::Dialect& dialect() const override;
    // kErLockDeadlock, or kErLockWaitTimeout: a statement undone leaves the transaction's view partial.
    int abortCode() const override { return abortCode_; }
    // The connection died or is in an unknown state: the pool drops it instead of reusing it.
    bool broken() const { return broken_; }
    // A round trip (COM_PING). False when the server does not answer within the read timeout.
    bool ping() noexcept override;

    // Throws the MysqlError for a Connector exception, after noting what it means for this connection.
    [[noreturn]] void fail(const ::sql::SQLException& e, std::string_view what);
    // Before each statement: a broken connection or an aborted transaction runs nothing.
    void checkUsable(std::string_view what) const;

    std::chrono::steady_clock::time_point lastUsed;  // the pool validates connections idle for a while
    std::uint64_t generation = 0;                    // the pool's loss generation when last validated

protected:
    sql::Cursor* open(std::string_view sql) override;

private:
    explicit Connection(std::unique_ptr<::sql::Connection> raw);
    friend class MysqlCursor;

    std::unique_ptr<::sql::Connection> raw_;
    sql::StatementCache<std::unique_ptr<::sql::PreparedStatement>> cache_;
    bool inTransaction_ = false;
    int abortCode_ = 0;
    bool broken_ = false;
};

}  // namespace obscura::mysql

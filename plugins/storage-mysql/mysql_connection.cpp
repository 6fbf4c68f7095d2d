#include "mysql_connection.hpp"

#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>
#include <mysql_connection.h>
#include <mysql_driver.h>

#include <mutex>
#include <thread>

namespace obscura::mysql {

namespace {

// Statements cached per connection; beyond this the idle ones are dropped. Listing SQL has many shapes, and
// the server caps prepared statements of all sessions together (max_prepared_stmt_count, 16382 by default):
// 256 per connection leaves room for a few dozen connections of several replicas.
constexpr std::size_t kMaxCachedStatements = 256;
constexpr int kErMaxPreparedStmtCountReached = 1461;
// A single autocommit statement chosen as a deadlock victim had no effect: it is simply run again.
constexpr int kAutocommitDeadlockAttempts = 4;

::sql::mysql::MySQL_Driver& driver() {
    // The first call initialises the client library, which is not thread-safe: storage open() makes it
    // before any pool exists, and the static's guard serialises concurrent first calls anyway.
    static ::sql::mysql::MySQL_Driver* instance = ::sql::mysql::get_mysql_driver_instance();
    return *instance;
}

std::string shorten(std::string_view sql) {
    constexpr std::size_t kShown = 160;
    std::string shown(sql.substr(0, kShown));
    if (sql.size() > kShown) shown += "…";
    return shown;
}

}  // namespace

// A statement as sql::Session hands it out: parameters are kept by Connector until cleared, the result set
// (buffered: every row is on the client once query() returns) lives until release().
class MysqlCursor final : public sql::Cursor {
public:
    MysqlCursor(Connection& connection, ::sql::PreparedStatement* stmt, bool* inUse)
        : connection_(connection), stmt_(stmt), inUse_(inUse) {}
    void bindNull(int index) override { stmt_->setNull(position(index), ::sql::DataType::VARCHAR); }
    void bindInt(int index, std::int64_t value) override { stmt_->setInt64(position(index), value); }
    void bindReal(int index, double value) override { stmt_->setDouble(position(index), value); }
    void bindText(int index, std::string_view value) override {
        stmt_->setString(position(index), ::sql::SQLString(std::string(value)));
    }
    void query() override {
        connection_.checkUsable("query");
        connection_.lastUsed = std::chrono::steady_clock::now();
        try {
            rows_.reset(stmt_->executeQuery());
        } catch (const ::sql::SQLException& e) {
            connection_.fail(e, "query");
        }
    }
    bool next() override { return rows_ != nullptr && rows_->next(); }
    std::int64_t execute() override {
        for (int attempt = 1;; ++attempt) {
            connection_.checkUsable("statement");
            connection_.lastUsed = std::chrono::steady_clock::now();
            try {
                return stmt_->executeUpdate();
            } catch (const ::sql::SQLException& e) {
                // A single autocommit statement chosen as a deadlock victim had no effect: run it again.
                const bool retry = e.getErrorCode() == kErLockDeadlock && !connection_.inTransaction() &&
                                   attempt < kAutocommitDeadlockAttempts;
                if (!retry) connection_.fail(e, "statement");
                std::this_thread::sleep_for(std::chrono::milliseconds(2 * attempt));
            }
        }
    }
    bool isNull(int column) const override { return rows_->isNull(position(column + 1)); }
    std::int64_t int64(int column) const override { return rows_->getInt64(position(column + 1)); }
    double real(int column) const override { return static_cast<double>(rows_->getDouble(position(column + 1))); }
    std::string text(int column) const override { return rows_->getString(position(column + 1)); }
    void release() noexcept override {
        rows_.reset();
        if (inUse_ == nullptr) {
            delete stmt_;
            delete this;
            return;
        }
        try {
            stmt_->clearParameters();
        } catch (...) {
            // A statement of a dead connection: the connection is dropped with its cache.
        }
        *inUse_ = false;
    }

private:
    static std::uint32_t position(int index) { return static_cast<std::uint32_t>(index); }
    Connection& connection_;
    ::sql::PreparedStatement* stmt_;
    bool* inUse_;
    std::unique_ptr<::sql::ResultSet> rows_;
};

Failure classifyErrorCode(int code) {
    struct Group {
        Failure failure;
        std::initializer_list<int> codes;
    };
    static const Group kGroups[] = {
        // ER_DUP_KEY, ER_DUP_ENTRY, ER_DUP_UNIQUE, ER_DUP_ENTRY_WITH_KEY_NAME
        {Failure::Conflict, {1022, 1062, 1169, 1586}},
        // lock wait timeout, deadlock, record changed since last read, too many transactions or connections
        {Failure::Busy, {1205, 1213, 1020, 1637, 1040}},
        // access denied (1044, 1045), no such database, server shutdown, host blocked or not allowed, aborted
        // connection, network read/write (1158-1161), query interrupted at shutdown, MariaDB connection killed and
        // statement timeout, MySQL query and client interaction timeouts
        {Failure::Lost,
         {1044, 1045, 1049, 1053, 1129, 1130, 1152, 1158, 1159, 1160, 1161, 1317, 1927, 1969, 3024, 4031}},
        // NULL in NOT NULL, out of range, wrong value, invalid UTF-8, too long, foreign key (1451, 1452), invalid
        // JSON (MySQL), CHECK constraint (MySQL 3819, MariaDB 4025)
        {Failure::Rejected, {1048, 1264, 1292, 1366, 1406, 1451, 1452, 3140, 3819, 4025}},
    };
    for (const auto& group : kGroups) {
        for (const int member : group.codes) {
            if (member == code) return group.failure;
        }
    }
    // 2000-2999 are the client library's own errors: every one of them means the connection (or the attempt to
    // make one) failed.
    return code >= 2000 && code < 3000 ? Failure::Lost : Failure::Internal;
}

// --- Connection ---

Connection::Connection(std::unique_ptr<::sql::Connection> raw) : raw_(std::move(raw)), cache_(kMaxCachedStatements) {}

Connection::~Connection() {
    // Statements first: they belong to the connection.
    cache_.clear();
    try {
        if (raw_) raw_->close();
    } catch (...) {
        // Closing a dead connection fails; there is nothing left to release.
    }
}

std::unique_ptr<Connection> Connection::open(const ConnectionSettings& settings,
                                             std::optional<int> readTimeoutSeconds) {
    ::sql::ConnectOptionsMap options;
    if (!settings.socket.empty()) {
        options["hostName"] = ::sql::SQLString("unix://" + settings.socket);
    } else {
        options["hostName"] = ::sql::SQLString(settings.host);
        options["port"] = settings.port;
    }
    options["userName"] = ::sql::SQLString(settings.user);
    options["password"] = ::sql::SQLString(settings.password);
    options["schema"] = ::sql::SQLString(settings.database);
    // Connector/C++ 1.1 speaks 3-byte "utf8" unless told otherwise; emoji need utf8mb4 both ways.
    options["OPT_CHARSET_NAME"] = ::sql::SQLString("utf8mb4");
    options["characterSetResults"] = ::sql::SQLString("utf8mb4");
    options["OPT_CONNECT_TIMEOUT"] = settings.connectTimeoutSeconds;
    options["OPT_READ_TIMEOUT"] = readTimeoutSeconds.value_or(settings.readTimeoutSeconds);
    options["OPT_WRITE_TIMEOUT"] = settings.writeTimeoutSeconds;
    // A silent reconnect would lose session settings and transactions: the pool replaces dead connections.
    options["OPT_RECONNECT"] = false;
    // Affected rows = rows matched, so "did my conditional UPDATE win" does not depend on whether the row
    // already held the values.
    options["CLIENT_FOUND_ROWS"] = true;
    std::unique_ptr<::sql::Connection> raw;
    try {
        raw.reset(driver().connect(options));
    } catch (const ::sql::SQLException& e) {
        throw MysqlError(e.getErrorCode(), "cannot connect to " + settings.describe() + ": " + e.what() + " (error " +
                                               std::to_string(e.getErrorCode()) + ")");
    }
    std::unique_ptr<Connection> connection(new Connection(std::move(raw)));
    connection->exec("SET NAMES utf8mb4 COLLATE utf8mb4_bin");
    connection->exec("SET time_zone = '+00:00'");
    connection->exec(
        "SET SESSION sql_mode = 'STRICT_ALL_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,"
        "NO_ENGINE_SUBSTITUTION,ONLY_FULL_GROUP_BY'");
    connection->exec("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ");
    connection->exec("SET SESSION innodb_lock_wait_timeout = " + std::to_string(settings.lockWaitTimeoutSeconds));
    connection->lastUsed = std::chrono::steady_clock::now();
    return connection;
}

void Connection::checkUsable(std::string_view what) const {
    if (broken_) throw MysqlError(kCrServerGone, std::string(what) + ": the connection was lost earlier");
    if (inTransaction_ && abortCode_ != 0) {
        throw MysqlError(kErLockDeadlock,
                         std::string(what) + ": the server already rolled this transaction back (deadlock)");
    }
}

void Connection::fail(const ::sql::SQLException& e, std::string_view what) {
    const int code = e.getErrorCode();
    const Failure failure = classifyErrorCode(code);
    if (failure == Failure::Lost) broken_ = true;
    // A deadlock rolls the whole transaction back; a lock wait timeout only the statement, but the
    // transaction's view is then partial, so it is treated the same way.
    if (failure == Failure::Busy && inTransaction_) abortCode_ = code;
    std::string message = std::string(what) + " failed: " + e.what();
    if (code != 0) message += " (error " + std::to_string(code) + ")";
    throw MysqlError(code, std::move(message));
}

sql::Cursor* Connection::open(std::string_view sqlText) {
    checkUsable("prepare");
    const auto prepare = [&](std::string_view text, bool /*cached*/) {
        const std::string key(text);
        try {
            return std::unique_ptr<::sql::PreparedStatement>(raw_->prepareStatement(key));
        } catch (const ::sql::SQLException& e) {
            if (e.getErrorCode() != kErMaxPreparedStmtCountReached) fail(e, "prepare '" + shorten(text) + "'");
        }
        // The server is out of statement slots (other connections hold them): give ours back and try once more.
        cache_.dropIdle();
        try {
            return std::unique_ptr<::sql::PreparedStatement>(raw_->prepareStatement(key));
        } catch (const ::sql::SQLException& again) {
            fail(again, "prepare '" + shorten(text) + "'");
        }
    };
    return cache_.open(sqlText, prepare, [&](::sql::PreparedStatement* stmt, bool* inUse) {
        return new MysqlCursor(*this, stmt, inUse);
    });
}

const sql::Dialect& Connection::dialect() const { return mysqlDialect(); }

void Connection::exec(std::string_view sqlText) {
    checkUsable("exec");
    lastUsed = std::chrono::steady_clock::now();
    try {
        std::unique_ptr<::sql::Statement> stmt(raw_->createStatement());
        stmt->execute(::sql::SQLString(std::string(sqlText)));
    } catch (const ::sql::SQLException& e) {
        fail(e, "'" + shorten(sqlText) + "'");
    }
}

void Connection::begin(bool readCommitted) {
    if (inTransaction_) throw MysqlError(0, "begin: a transaction is already open on this connection");
    if (readCommitted) exec("SET TRANSACTION ISOLATION LEVEL READ COMMITTED");
    exec("START TRANSACTION");
    inTransaction_ = true;
    abortCode_ = 0;
}

void Connection::beginSnapshot() {
    if (inTransaction_) throw MysqlError(0, "begin: a transaction is already open on this connection");
    exec("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
    exec("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY");
    inTransaction_ = true;
    abortCode_ = 0;
}

void Connection::commit() {
    checkUsable("commit");
    try {
        exec("COMMIT");
    } catch (...) {
        // Whether the server committed is unknown when the connection died during COMMIT; either way this
        // connection is not in a transaction any more.
        inTransaction_ = false;
        throw;
    }
    inTransaction_ = false;
}

bool Connection::rollbackQuietly() noexcept {
    const bool wasOpen = inTransaction_;
    inTransaction_ = false;
    abortCode_ = 0;
    if (!wasOpen || broken_) return !broken_;
    try {
        std::unique_ptr<::sql::Statement> stmt(raw_->createStatement());
        stmt->execute("ROLLBACK");
        return true;
    } catch (...) {
        broken_ = true;
        return false;
    }
}

bool Connection::ping() noexcept {
    if (broken_) return false;
    try {
        if (raw_->isValid()) return true;
    } catch (...) {
    }
    broken_ = true;
    return false;
}

}  // namespace obscura::mysql

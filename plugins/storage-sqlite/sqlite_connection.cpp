#include "sqlite_connection.hpp"

#include <utility>

#include "sqlite_search_match.hpp"

namespace obscura::sqlite {

namespace {

std::string describe(sqlite3* db, int rc, std::string_view what) {
    std::string message(what);
    message += ": ";
    // sqlite3_errmsg is only meaningful when the handle's last error is this one; fall back to the code's text.
    message += (db != nullptr && sqlite3_extended_errcode(db) == rc) ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    return message;
}

// A statement as sql::Session hands it out. Cached ones are reset and unbound on release; a one-off
// (the cached copy was busy) is finalized.
class SqliteCursor final : public sql::Cursor {
public:
    SqliteCursor(Connection& connection, sqlite3_stmt* stmt, bool* inUse)
        : connection_(connection), stmt_(stmt), inUse_(inUse) {}
    void bindNull(int index) override { check(sqlite3_bind_null(stmt_, index), index); }
    void bindInt(int index, std::int64_t value) override { check(sqlite3_bind_int64(stmt_, index, value), index); }
    void bindReal(int index, double value) override { check(sqlite3_bind_double(stmt_, index, value), index); }
    void bindText(int index, std::string_view text) override {
        check(sqlite3_bind_text64(stmt_, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8), index);
    }
    void query() override {}
    bool next() override {
        const int rc = sqlite3_step(stmt_);
        if (rc == SQLITE_ROW) return true;
        if (rc == SQLITE_DONE) return false;
        connection_.fail(rc, "step");
    }
    std::int64_t execute() override {
        while (next()) {
        }
        return sqlite3_changes64(connection_.handle());
    }
    bool isNull(int column) const override { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }
    std::int64_t int64(int column) const override { return sqlite3_column_int64(stmt_, column); }
    double real(int column) const override { return sqlite3_column_double(stmt_, column); }
    std::string text(int column) const override { return std::string(view(column)); }
    void appendText(int column, std::string& out) const override { out += view(column); }
    std::string_view view(int column) const override {
        // Ask for the text before its size: sqlite3_column_bytes then reports the UTF-8 length. The pointer is
        // SQLite's copy of the column, valid until the next step.
        const auto* data = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
        if (data == nullptr) return {};
        return {data, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column))};
    }
    void release() noexcept override {
        if (inUse_ == nullptr) {
            sqlite3_finalize(stmt_);
            delete this;
            return;
        }
        // Resetting ends the statement's implicit read transaction; the cache keeps the compiled plan.
        sqlite3_reset(stmt_);
        sqlite3_clear_bindings(stmt_);
        *inUse_ = false;
    }

private:
    void check(int rc, int index) {
        if (rc != SQLITE_OK) connection_.fail(rc, "bind parameter " + std::to_string(index));
    }
    Connection& connection_;
    sqlite3_stmt* stmt_;
    bool* inUse_;
};

}  // namespace

sql::Failure classify(int extendedCode) {
    switch (extendedCode) {
        case SQLITE_CONSTRAINT_UNIQUE:
        case SQLITE_CONSTRAINT_PRIMARYKEY:
            return sql::Failure::Conflict;
        default:
            break;
    }
    switch (extendedCode & 0xff) {
        case SQLITE_BUSY:
        case SQLITE_LOCKED:
            return sql::Failure::Busy;
        default:
            return sql::Failure::Internal;
    }
}

// ---- Connection ----

Connection::Connection(const std::string& path, std::chrono::milliseconds busyTimeout) {
    // NOMUTEX: the pool hands a connection to one thread at a time, so SQLite's own per-handle lock is waste.
    const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
    const int rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
    if (rc != SQLITE_OK) {
        std::string message = describe(db_, rc, "cannot open " + path);
        sqlite3_close_v2(db_);
        db_ = nullptr;
        throw SqliteError(rc, std::move(message));
    }
    try {
        sqlite3_extended_result_codes(db_, 1);
        sqlite3_busy_timeout(db_, static_cast<int>(busyTimeout.count()));
        // WAL lets readers run beside the one writer; FULL syncs the WAL on every commit so an
        // acknowledged write survives power loss (NORMAL would only survive a process crash).
        auto journal = prepare("PRAGMA journal_mode=WAL");
        auto modeRows = journal.query();
        const std::string mode = modeRows.next() ? modeRows.text(0) : std::string();
        if (mode != "wal") {
            throw SqliteError(SQLITE_ERROR, "cannot enable WAL on " + path + " (journal mode stays '" + mode +
                                                "'; is it on a filesystem without shared memory support?)");
        }
        exec("PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;");
        auto fk = prepare("PRAGMA foreign_keys");
        auto fkRows = fk.query();
        if (!fkRows.next() || fkRows.int64(0) != 1) {
            throw SqliteError(SQLITE_ERROR, "this SQLite build cannot enforce foreign keys (" + path + ")");
        }
        if (const int registered = registerSearchMatch(db_); registered != SQLITE_OK) {
            throw SqliteError(registered, "cannot register " + std::string(kSearchMatchFunction) + " on " + path +
                                              " (is this SQLite built without FTS5?)");
        }
    } catch (...) {
        cache_.clear();
        sqlite3_close_v2(db_);
        db_ = nullptr;
        throw;
    }
}

Connection::~Connection() {
    cache_.clear();
    // close_v2 defers the close until stray statements are finalized instead of failing.
    sqlite3_close_v2(db_);
}

sql::Cursor* Connection::open(std::string_view sql) {
    const auto prepare = [&](std::string_view text, bool cached) {
        sqlite3_stmt* stmt = nullptr;
        const unsigned flags = cached ? SQLITE_PREPARE_PERSISTENT : 0;
        const int rc = sqlite3_prepare_v3(db_, text.data(), static_cast<int>(text.size()), flags, &stmt, nullptr);
        if (rc != SQLITE_OK) fail(rc, "prepare '" + std::string(text.substr(0, 80)) + "'");
        return std::unique_ptr<sqlite3_stmt, Finalize>(stmt);
    };
    return cache_.open(sql, prepare,
                       [&](sqlite3_stmt* stmt, bool* inUse) { return new SqliteCursor(*this, stmt, inUse); });
}

void Connection::begin(bool /*readCommitted*/) { exec("BEGIN IMMEDIATE"); }

const sql::Dialect& Connection::dialect() const { return sqliteDialect(); }

bool Connection::ping() {
    auto stmt = prepare("SELECT 1");
    auto rows = stmt.query();
    return rows.next() && rows.int64(0) == 1;
}

void Connection::exec(std::string_view script) {
    const char* next = script.data();
    const char* end = script.data() + script.size();
    while (next < end) {
        sqlite3_stmt* stmt = nullptr;
        const char* tail = nullptr;
        int rc = sqlite3_prepare_v3(db_, next, static_cast<int>(end - next), 0, &stmt, &tail);
        if (rc != SQLITE_OK) fail(rc, "prepare script");
        next = tail;
        if (stmt == nullptr) continue;  // whitespace or a comment
        const std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> owned(stmt, &sqlite3_finalize);
        while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        }
        if (rc != SQLITE_DONE) fail(rc, "step");
    }
}

bool Connection::rollbackQuietly() noexcept {
    if (!inTransaction()) return true;
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    broken_ = broken_ || inTransaction();
    return !inTransaction();
}

void Connection::fail(int rc, std::string_view what) const { throw SqliteError(rc, describe(db_, rc, what)); }

}  // namespace obscura::sqlite

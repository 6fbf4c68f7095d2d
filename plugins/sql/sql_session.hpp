#pragma once
// plugins/sql: the SQL layer both storage plugins share (static library obscura_sql, linked into each plugin .so;
// it links obscura_base and the header-only storage API, nothing else).
//
// What it is. One statement API over any driver — Session (one borrowed connection), Statement (a cached
// prepared statement: `?` placeholders, bind(values...), query() → Rows with typed getters, execute() → rows
// affected) — and the storage repositories written ONCE on top of it (sql_repositories.hpp). A plugin keeps
// only its driver (a Session subclass with its connection, statement cache and pool), its error
// classification, its DDL and migrations, its Dialect, URL or path handling, and its entry point.
//
// How a repository method is written once:
//
//     Expected<bool> SqlAuthRepository::deleteApiKey(const std::string& userId, const std::string& id) {
//         return guarded(s_, "delete api key", [&]() -> Expected<bool> {
//             return s_.prepare("DELETE FROM api_keys WHERE id = ? AND user_id = ?").bind(id, userId).execute() > 0;
//         });
//     }
//
// Values bind in placeholder order (a value used twice is bound twice). Several statements that must happen
// together go through atomically() (sql_atomic.hpp): inside the caller's transaction, or in one of their own
// that is retried when the server picks it as a deadlock victim. Derived rows (tag rows, usage totals, the
// listing's library version) are written by that shared code the same way on every backend — no triggers.
//
// What the Dialect is for (sql_dialect.hpp): the few things SQL engines really spell differently — upsert,
// locking reads (FOR UPDATE, SKIP LOCKED), GREATEST, row-value comparisons, how tag rows are keyed, the search
// predicate and index, nested writes (savepoints) and how often a deadlocked transaction is retried. Each has
// a portable default where one exists; a plugin overrides the rest.
//
// Drivers throw SqlError; guarded() turns it into an obscura::Error at the repository boundary, so repository
// code stays linear and no exception leaves a plugin. Column access is one virtual call per value: measured
// against a statement's own cost (a SQLite step, a server round trip) it is noise, and it lets the repositories
// be compiled once instead of instantiated per driver.
#include <concepts>
#include <cstdint>
#include <deque>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "obscura/base/expected.hpp"
#include "obscura/storage/table_rows.hpp"

namespace obscura::sql {

class Dialect;

// What a driver error means to the caller.
enum class Failure : std::uint8_t {
    Conflict,  // a unique key is taken
    Busy,      // locked, deadlock or lock wait timeout: try again later
    Lost,      // the server cannot be reached or the connection died
    Rejected,  // the data breaks a column's rule (too long, bad value, check constraint)
    Internal,  // anything else: a bug or a broken schema
};

class SqlError : public std::exception {
public:
    SqlError(Failure failure, int code, std::string message, bool deadlock = false)
        : failure_(failure), code_(code), deadlock_(deadlock), message_(std::move(message)) {}
    Failure failure() const noexcept { return failure_; }
    int code() const noexcept { return code_; }  // the driver's own code
    // The server rolled the transaction back to break a deadlock: running it again is safe.
    bool deadlock() const noexcept { return deadlock_; }
    const char* what() const noexcept override { return message_.c_str(); }

private:
    Failure failure_;
    int code_;
    bool deadlock_;
    std::string message_;
};

// A driver's prepared statement (parameters 1-based, columns 0-based). Owned by its connection's cache;
// release() hands it back (reset, unbound) or deletes a one-off.
class Cursor {
public:
    virtual ~Cursor() = default;
    virtual void bindNull(int index) = 0;
    virtual void bindInt(int index, std::int64_t value) = 0;
    virtual void bindReal(int index, double value) = 0;
    virtual void bindText(int index, std::string_view value) = 0;
    virtual void query() = 0;  // runs a SELECT (a server driver fetches here, SQLite steps lazily in next())
    virtual bool next() = 0;
    virtual std::int64_t execute() = 0;  // runs a statement without rows; rows matched/inserted
    virtual bool isNull(int column) const = 0;
    virtual std::int64_t int64(int column) const = 0;
    virtual double real(int column) const = 0;
    virtual std::string text(int column) const = 0;
    // Appends the column's text to out: a driver that can hand out its own buffer saves the temporary string.
    virtual void appendText(int column, std::string& out) const { out += text(column); }
    // The column's text, valid until the next row (or the next view of this column): a driver that can point into
    // its own row buffer does so (SQLite); this default copies into a buffer per column kept across rows, so a
    // listing read through views makes no string per field either way.
    virtual std::string_view view(int column) const {
        const auto index = static_cast<std::size_t>(column);
        if (views_.size() <= index) views_.resize(index + 1);
        views_[index] = text(column);
        return views_[index];
    }
    virtual void release() noexcept = 0;

private:
    mutable std::deque<std::string> views_;  // grows without moving earlier columns' buffers (views into them live)
};

// The rows of one query(). Valid while its Statement lives.
class Rows {
public:
    explicit Rows(Cursor* cursor) : c_(cursor) {}
    bool next() { return c_->next(); }
    bool isNull(int column) const { return c_->isNull(column); }
    std::string text(int column) const { return c_->text(column); }
    void appendText(int column, std::string& out) const { c_->appendText(column, out); }
    std::int64_t int64(int column) const { return c_->int64(column); }
    double real(int column) const { return c_->real(column); }
    bool boolean(int column) const { return c_->int64(column) != 0; }
    std::string_view view(int column) const { return c_->view(column); }
    std::optional<std::string_view> optionalView(int column) const {
        return isNull(column) ? std::nullopt : std::optional<std::string_view>(view(column));
    }
    std::optional<std::string> optionalText(int column) const {
        return isNull(column) ? std::nullopt : std::optional<std::string>(text(column));
    }
    std::optional<std::int64_t> optionalInt64(int column) const {
        return isNull(column) ? std::nullopt : std::optional<std::int64_t>(int64(column));
    }
    std::optional<double> optionalReal(int column) const {
        return isNull(column) ? std::nullopt : std::optional<double>(real(column));
    }

private:
    Cursor* c_;
};

class Statement {
public:
    explicit Statement(Cursor* cursor) : c_(cursor) {}
    Statement(Statement&& other) noexcept : c_(std::exchange(other.c_, nullptr)) {}
    Statement& operator=(Statement&&) = delete;
    Statement(const Statement&) = delete;
    ~Statement() {
        if (c_ != nullptr) c_->release();
    }

    // Binds every parameter in placeholder order.
    template <typename... Values>
    Statement& bind(const Values&... values) {
        int index = 0;
        (set(++index, values), ...);
        return *this;
    }
    Rows query() {
        c_->query();
        return Rows(c_);
    }
    std::int64_t execute() { return c_->execute(); }

    // One parameter by its 1-based position (statements whose shape depends on what is set).
    void set(int index, std::string_view value) { c_->bindText(index, value); }
    void set(int index, const std::string& value) { c_->bindText(index, value); }
    void set(int index, const char* value) { c_->bindText(index, value); }
    void set(int index, bool value) { c_->bindInt(index, value ? 1 : 0); }
    template <std::integral T>
    requires(!std::same_as<T, bool>) void set(int index, T value) {
        c_->bindInt(index, static_cast<std::int64_t>(value));
    }
    void set(int index, double value) { c_->bindReal(index, value); }
    void set(int index, std::nullopt_t) { c_->bindNull(index); }
    template <typename T>
    void set(int index, const std::optional<T>& value) {
        if (value) {
            set(index, *value);
        } else {
            c_->bindNull(index);
        }
    }
    void set(int index, const storage::Value& value);

private:
    Cursor* c_;
};

// A connection's prepared statements by SQL text (Native: the driver's owning handle). A cached statement is
// handed out while free; the same text used again while it is open (a loop over its own results) gets a
// one-off that the cursor owns. Beyond maxSize the idle ones are dropped.
template <typename Native>
class StatementCache {
public:
    explicit StatementCache(std::size_t maxSize = SIZE_MAX) : maxSize_(maxSize) {}
    // prepare(sql, cached) → Native (throws on failure); wrap(raw, inUse) → the driver's Cursor, which owns
    // raw when inUse is null.
    template <typename Prepare, typename Wrap>
    Cursor* open(std::string_view sql, Prepare&& prepare, Wrap&& wrap) {
        const std::string key(sql);
        const auto it = slots_.find(key);
        if (it != slots_.end() && !it->second.inUse) {
            it->second.inUse = true;
            return it->second.cursor.get();
        }
        if (it != slots_.end()) return wrap(prepare(sql, false).release(), nullptr);
        Native native = prepare(sql, true);
        if (slots_.size() >= maxSize_) dropIdle();
        Slot& slot = slots_[key];
        slot.native = std::move(native);
        slot.inUse = true;
        slot.cursor.reset(wrap(slot.native.get(), &slot.inUse));
        return slot.cursor.get();
    }
    void dropIdle() noexcept {
        for (auto entry = slots_.begin(); entry != slots_.end();) {
            entry = entry->second.inUse ? std::next(entry) : slots_.erase(entry);
        }
    }
    void clear() noexcept { slots_.clear(); }

private:
    struct Slot {
        Native native;
        bool inUse = false;
        std::unique_ptr<Cursor> cursor;  // destroyed before native
    };
    std::unordered_map<std::string, Slot> slots_;
    std::size_t maxSize_;
};

// One connection as the repositories see it, inside or outside a transaction. Drivers implement it.
class Session {
public:
    virtual ~Session() = default;
    Statement prepare(std::string_view sql) { return Statement(open(sql)); }
    // Runs one parameterless statement (DDL, SAVEPOINT …).
    virtual void exec(std::string_view sql) = 0;
    virtual bool inTransaction() const = 0;
    // readCommitted: a short internal transaction that re-checks its conditions (servers may skip gap locks).
    virtual void begin(bool readCommitted) = 0;
    virtual void commit() = 0;
    virtual bool rollbackQuietly() noexcept = 0;
    // The server rolled the open transaction back (a deadlock victim, a lock wait timeout): its error code, else
    // 0. Nothing more may run in it; Storage::transaction() runs the callback again.
    virtual int abortCode() const { return 0; }
    // A cheap round trip: false when the database does not answer.
    virtual bool ping() = 0;
    virtual const Dialect& dialect() const = 0;

protected:
    // A prepared statement for sql, from the cache when it is free.
    virtual Cursor* open(std::string_view sql) = 0;
};

// "storage <backend>: <operation>: <what>" as an obscura::Error: Conflict, Unavailable (Busy, Lost),
// Invalid (Rejected) or Internal.
Error toError(const SqlError& e, std::string_view backend, std::string_view operation);
std::string_view backendName(const Session& session);

// Runs body (returning Status or Expected<T>) and converts whatever it throws into that type's error.
template <typename Body>
auto guarded(std::string_view backend, std::string_view operation, Body&& body) -> decltype(body()) {
    try {
        return body();
    } catch (const SqlError& e) {
        return toError(e, backend, operation);
    } catch (const std::exception& e) {
        return internalError("storage " + std::string(backend) + ": " + std::string(operation) + ": " + e.what());
    } catch (...) {
        return internalError("storage " + std::string(backend) + ": " + std::string(operation) + ": unknown exception");
    }
}

template <typename Body>
auto guarded(const Session& session, std::string_view operation, Body&& body) -> decltype(body()) {
    return guarded(backendName(session), operation, std::forward<Body>(body));
}

}  // namespace obscura::sql

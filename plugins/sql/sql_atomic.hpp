#pragma once
// Several statements that must happen together, whether or not the caller opened a transaction.
#include <chrono>
#include <random>
#include <thread>

#include "sql_dialect.hpp"
#include "sql_session.hpp"

namespace obscura::sql {

// A body answering an Expected/Status error failed; any other answer is a success.
template <typename Result>
bool succeeded(const Result& result) {
    if constexpr (requires { result.ok(); }) {
        return result.ok();
    } else {
        return true;
    }
}

// Inside the caller's transaction: under a savepoint where the dialect has them (a failure undoes only this
// write), else directly (a deadlock then aborts that transaction and Storage::transaction() retries the whole
// callback). Outside one: in a transaction of its own (SQLite's takes the write lock up front) that commits
// when body answers success — an Expected/Status error or a throw rolls it back — and runs again, up to
// Dialect::ownTransactionAttempts times, when the server picks it as a deadlock victim.
template <typename Body>
auto atomically(Session& s, Body&& body, bool readCommitted = false) -> decltype(body()) {
    const Dialect& d = s.dialect();
    if (s.inTransaction()) {
        if (!d.savepoints) return body();
        s.exec("SAVEPOINT sql_write");
        try {
            auto result = body();
            if (!succeeded(result)) s.exec("ROLLBACK TO sql_write");
            s.exec("RELEASE sql_write");
            return result;
        } catch (...) {
            try {
                s.exec("ROLLBACK TO sql_write");
                s.exec("RELEASE sql_write");
            } catch (...) {
                // The enclosing transaction rolls back what is left.
            }
            throw;
        }
    }
    for (int attempt = 1;; ++attempt) {
        s.begin(readCommitted);
        try {
            auto result = body();
            if (succeeded(result)) {
                s.commit();
            } else {
                s.rollbackQuietly();
            }
            return result;
        } catch (const SqlError& e) {
            s.rollbackQuietly();
            if (!e.deadlock() || attempt >= d.ownTransactionAttempts) throw;
        } catch (...) {
            s.rollbackQuietly();
            throw;
        }
        thread_local std::minstd_rand random{std::random_device{}()};
        std::uniform_int_distribution<int> jitter(1, 4 * attempt * attempt);
        std::this_thread::sleep_for(std::chrono::milliseconds(jitter(random)));
    }
}

}  // namespace obscura::sql

#pragma once
// Several statements that must happen together, whether or not the caller opened a transaction.
#include <chrono>
#include <random>
#include <thread>

#include "mysql_connection.hpp"

namespace obscura::mysql {

inline constexpr int kOwnTransactionAttempts = 5;

// Runs body inside the caller's transaction when there is one — a deadlock then aborts that transaction
// and Storage::transaction() retries the whole callback — or else in a transaction of its own that commits
// when body answers success (an Expected/Status error rolls it back) and runs again, up to
// kOwnTransactionAttempts times, when the server picks it as a deadlock victim.
template <typename Body>
auto atomically(Connection& connection, Body&& body, bool readCommitted = false) -> decltype(body()) {
    if (connection.inTransaction()) return body();
    for (int attempt = 1;; ++attempt) {
        connection.begin(readCommitted);
        try {
            auto result = body();
            bool succeeded = true;
            if constexpr (requires { result.ok(); }) succeeded = result.ok();
            if (succeeded) {
                connection.commit();
            } else {
                connection.rollbackQuietly();
            }
            return result;
        } catch (const MysqlError& e) {
            connection.rollbackQuietly();
            if (e.code() != kErLockDeadlock || attempt == kOwnTransactionAttempts) throw;
        } catch (...) {
            connection.rollbackQuietly();
            throw;
        }
        thread_local std::minstd_rand random{std::random_device{}()};
        std::uniform_int_distribution<int> jitter(1, 4 * attempt * attempt);
        std::this_thread::sleep_for(std::chrono::milliseconds(jitter(random)));
    }
}

}  // namespace obscura::mysql

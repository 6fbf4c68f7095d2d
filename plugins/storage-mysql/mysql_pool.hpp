#pragma once
// A bounded pool of connections to one database. Each storage call borrows one connection for its duration,
// so a connection (and its statement cache) is only ever used by one thread at a time.
//
// The database may go away at any time (restart, failover, network): a connection idle for a while, or
// older than the last loss anybody saw, is pinged before use and replaced when dead. After a failed
// connect the pool answers "unreachable" at once for a short while instead of letting every request wait
// for its own connect timeout, then tries again by itself: no restart is ever needed.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "mysql_connection.hpp"
#include "mysql_url.hpp"
#include "sql_pool.hpp"

namespace obscura::mysql {

class ConnectionPool {
public:
    // How long acquire() waits for a busy pool before answering Unavailable.
    static constexpr std::chrono::seconds kAcquireTimeout{10};
    // Connections idle longer than this are pinged before reuse.
    static constexpr std::chrono::seconds kValidateAfterIdle{2};
    // After a failed connect, acquire() fails at once for this long.
    static constexpr std::chrono::milliseconds kRetryInterval{500};

    using Lease = sql::PoolLease<ConnectionPool, Connection>;

    ConnectionPool(ConnectionSettings settings, int size);

    // A live connection, or MysqlError: Lost when the database cannot be reached, Busy when every
    // connection stayed in use for kAcquireTimeout.
    Lease acquire();
    // A new connection outside the pool (migrations use one with a long read timeout).
    std::unique_ptr<Connection> connectDedicated(std::optional<int> readTimeoutSeconds);
    int size() const { return size_; }
    const ConnectionSettings& settings() const { return settings_; }

private:
    friend Lease;
    void giveBack(std::unique_ptr<Connection> connection) noexcept;
    // Connects, or opens the breaker and rethrows.
    std::unique_ptr<Connection> connect();

    const ConnectionSettings settings_;
    const int size_;
    std::mutex mutex_;
    std::condition_variable changed_;
    std::vector<std::unique_ptr<Connection>> idle_;
    int open_ = 0;                  // connections alive, idle or leased
    std::uint64_t generation_ = 1;  // raised whenever a connection is found dead
    std::chrono::steady_clock::time_point retryAt_{};
    std::string lastFailure_;
};

}  // namespace obscura::mysql

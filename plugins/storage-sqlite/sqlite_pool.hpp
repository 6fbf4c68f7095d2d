#pragma once
// A bounded pool of connections to one database file. Each storage call borrows one connection for its
// duration, so a connection (and its statement cache) is only ever used by one thread at a time.
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "sql_pool.hpp"
#include "sqlite_connection.hpp"

namespace obscura::sqlite {

class ConnectionPool {
public:
    using Lease = sql::PoolLease<ConnectionPool, Connection>;

    // Opens one connection at once, so a bad path or pragma fails at open() rather than on first use;
    // the others are opened on demand up to `size`.
    ConnectionPool(std::string path, int size, std::chrono::milliseconds busyTimeout);

    // Waits up to the busy timeout for a free connection; throws SqliteError(SQLITE_BUSY) after that.
    Lease acquire();
    int size() const { return size_; }

private:
    friend Lease;
    void giveBack(std::unique_ptr<Connection> connection) noexcept;

    const std::string path_;
    const int size_;
    const std::chrono::milliseconds busyTimeout_;
    std::mutex mutex_;
    std::condition_variable available_;
    std::vector<std::unique_ptr<Connection>> idle_;
    int open_ = 0;  // connections alive, idle or leased
};

}  // namespace obscura::sqlite

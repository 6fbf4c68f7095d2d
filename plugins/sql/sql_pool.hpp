#pragma once
// A bounded pool of driver connections to one database. Each storage call borrows one connection for its
// duration, so a connection (and its statement cache) is only ever used by one thread at a time.
//
// The database may go away at any time (restart, failover, network): a connection idle for a while, or older
// than the last loss anybody saw, is pinged before use and replaced when dead. After a connect failed because
// the database could not be reached, the pool answers "unreachable" at once for a short while instead of
// letting every request wait for its own connect timeout, then tries again by itself: no restart is needed.
//
// Connection: a Session with `lastUsed`, `generation`, broken() (drop instead of reuse) and a throwing ping().
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "sql_session.hpp"

namespace obscura::sql {

// A connection borrowed from a pool for one storage call, handed back (Pool::giveBack) when the lease goes.
template <typename Pool, typename Connection>
class PoolLease {
public:
    PoolLease(Pool& pool, std::unique_ptr<Connection> connection) : pool_(&pool), connection_(std::move(connection)) {}
    PoolLease(PoolLease&&) noexcept = default;
    PoolLease& operator=(PoolLease&&) = delete;
    ~PoolLease() {
        if (connection_ != nullptr) pool_->giveBack(std::move(connection_));
    }
    Connection& operator*() const { return *connection_; }
    Connection* operator->() const { return connection_.get(); }

private:
    Pool* pool_;
    std::unique_ptr<Connection> connection_;
};

template <typename Connection>
class ConnectionPool {
public:
    using Lease = PoolLease<ConnectionPool, Connection>;
    using Connect = std::function<std::unique_ptr<Connection>()>;
    // Connections idle longer than this are pinged before reuse.
    static constexpr std::chrono::seconds kValidateAfterIdle{2};
    // After a connect failed as unreachable, acquire() fails at once for this long.
    static constexpr std::chrono::milliseconds kRetryInterval{500};

    ConnectionPool(Connect connect, int size, std::chrono::milliseconds acquireTimeout)
        : connect_(std::move(connect)), size_(size), acquireTimeout_(acquireTimeout) {}

    // A live connection, or SqlError: Lost when the database cannot be reached, Busy when every connection
    // stayed in use for the acquire timeout.
    Lease acquire() {
        const auto deadline = std::chrono::steady_clock::now() + acquireTimeout_;
        std::unique_lock lock(mutex_);
        for (;;) {
            const auto now = std::chrono::steady_clock::now();
            if (now < retryAt_) {
                throw SqlError(Failure::Lost, 0,
                               "the database is unreachable (" + lastFailure_ + "); retrying shortly");
            }
            if (!idle_.empty()) {
                // Most recently used first: its server-side state is the freshest, and the rest may time out.
                auto connection = std::move(idle_.back());
                idle_.pop_back();
                const bool suspect =
                    connection->generation != generation_ || now - connection->lastUsed > kValidateAfterIdle;
                const std::uint64_t generation = generation_;
                if (!suspect) return Lease(*this, std::move(connection));
                lock.unlock();
                bool alive = false;
                try {
                    alive = connection->ping();
                } catch (...) {
                }
                lock.lock();
                if (alive) {
                    connection->generation = generation;
                    return Lease(*this, std::move(connection));
                }
                // Dead: its siblings probably are too, so each is checked before use.
                --open_;
                ++generation_;
                lock.unlock();
                connection.reset();
                lock.lock();
                continue;
            }
            if (open_ < size_) {
                // Reserve the slot, then connect outside the lock.
                ++open_;
                const std::uint64_t generation = generation_;
                lock.unlock();
                try {
                    auto connection = connect();
                    connection->generation = generation;
                    return Lease(*this, std::move(connection));
                } catch (...) {
                    lock.lock();
                    --open_;
                    changed_.notify_one();
                    throw;
                }
            }
            if (changed_.wait_until(lock, deadline) == std::cv_status::timeout) {
                throw SqlError(Failure::Busy, 0,
                               "all " + std::to_string(size_) + " database connections stayed busy for " +
                                   std::to_string(acquireTimeout_.count()) + " ms");
            }
        }
    }

private:
    friend Lease;

    // Connects, or opens the breaker and rethrows.
    std::unique_ptr<Connection> connect() {
        try {
            return connect_();
        } catch (const SqlError& e) {
            if (e.failure() == Failure::Lost) {
                std::lock_guard lock(mutex_);
                retryAt_ = std::chrono::steady_clock::now() + kRetryInterval;
                lastFailure_ = e.what();
                ++generation_;
                changed_.notify_all();
            }
            throw;
        }
    }

    void giveBack(std::unique_ptr<Connection> connection) noexcept {
        // A callback that returned without finishing its transaction must not leak it (and its locks) into the
        // next borrower.
        if (connection->inTransaction()) connection->rollbackQuietly();
        connection->lastUsed = std::chrono::steady_clock::now();
        std::unique_lock lock(mutex_);
        if (connection->broken()) {
            --open_;
            ++generation_;
            changed_.notify_one();
            lock.unlock();
            connection.reset();  // closing may touch the socket: outside the lock
            return;
        }
        idle_.push_back(std::move(connection));
        changed_.notify_one();
    }

    const Connect connect_;
    const int size_;
    const std::chrono::milliseconds acquireTimeout_;
    std::mutex mutex_;
    std::condition_variable changed_;
    std::vector<std::unique_ptr<Connection>> idle_;
    int open_ = 0;                  // connections alive, idle or leased
    std::uint64_t generation_ = 1;  // raised whenever a connection is found dead
    std::chrono::steady_clock::time_point retryAt_{};
    std::string lastFailure_;
};

}  // namespace obscura::sql

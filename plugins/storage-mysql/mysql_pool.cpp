#include "mysql_pool.hpp"

namespace obscura::mysql {

ConnectionPool::ConnectionPool(ConnectionSettings settings, int size) : settings_(std::move(settings)), size_(size) {}

std::unique_ptr<Connection> ConnectionPool::connectDedicated(std::optional<int> readTimeoutSeconds) {
    return Connection::open(settings_, readTimeoutSeconds);
}

std::unique_ptr<Connection> ConnectionPool::connect() {
    try {
        return Connection::open(settings_);
    } catch (const MysqlError& e) {
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

ConnectionPool::Lease ConnectionPool::acquire() {
    const auto deadline = std::chrono::steady_clock::now() + kAcquireTimeout;
    std::unique_lock lock(mutex_);
    for (;;) {
        const auto now = std::chrono::steady_clock::now();
        if (now < retryAt_) {
            throw MysqlError(2003, "the database is unreachable (" + lastFailure_ + "); retrying shortly");
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
            const bool alive = connection->ping();
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
            throw MysqlError(1040, "all " + std::to_string(size_) + " database connections stayed busy for " +
                                       std::to_string(kAcquireTimeout.count()) + " s");
        }
    }
}

void ConnectionPool::giveBack(std::unique_ptr<Connection> connection) noexcept {
    // A callback that returned without finishing its transaction must not leak it into the next borrower.
    if (connection->inTransaction()) connection->rollbackQuietly();
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

}  // namespace obscura::mysql

#include "sqlite_pool.hpp"

namespace obscura::sqlite {

ConnectionPool::ConnectionPool(std::string path, int size, std::chrono::milliseconds busyTimeout)
    : path_(std::move(path)), size_(size), busyTimeout_(busyTimeout) {
    idle_.push_back(std::make_unique<Connection>(path_, busyTimeout_));
    open_ = 1;
}

ConnectionPool::Lease ConnectionPool::acquire() {
    std::unique_lock lock(mutex_);
    const auto deadline = std::chrono::steady_clock::now() + busyTimeout_;
    while (idle_.empty() && open_ >= size_) {
        if (available_.wait_until(lock, deadline) == std::cv_status::timeout && idle_.empty() && open_ >= size_) {
            throw SqliteError(SQLITE_BUSY, "no free database connection within " +
                                               std::to_string(busyTimeout_.count()) + " ms (pool size " +
                                               std::to_string(size_) + ", all in use)");
        }
    }
    if (!idle_.empty()) {
        auto connection = std::move(idle_.back());
        idle_.pop_back();
        return Lease(*this, std::move(connection));
    }
    // Reserve the slot, then open outside the lock: opening touches the disk.
    ++open_;
    lock.unlock();
    try {
        return Lease(*this, std::make_unique<Connection>(path_, busyTimeout_));
    } catch (...) {
        lock.lock();
        --open_;
        available_.notify_one();
        throw;
    }
}

void ConnectionPool::giveBack(std::unique_ptr<Connection> connection) noexcept {
    // A connection still inside a transaction would hand its locks to the next borrower: roll back, and
    // drop the connection if even that fails.
    if (!connection->rollbackQuietly()) connection.reset();
    std::lock_guard lock(mutex_);
    if (connection != nullptr) {
        idle_.push_back(std::move(connection));
    } else {
        --open_;
    }
    available_.notify_one();
}

}  // namespace obscura::sqlite

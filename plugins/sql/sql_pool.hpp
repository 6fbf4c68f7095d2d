#pragma once
#include <memory>
#include <utility>

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

}  // namespace obscura::sql

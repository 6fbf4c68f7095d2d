#include "server_state.hpp"

namespace obscura::httpd {

ServerState::ServerState(HttpServerOptions opts, Router& r, ServiceRegistry& s, prometheus::Registry& registry,
                         TrustedProxies trusted)
    : options(std::move(opts)),
      router(r),
      services(s),
      metrics(registry),
      proxies(std::move(trusted)),
      workers(static_cast<std::size_t>(options.workerThreads)),
      compute(options.computeThreads > 0 ? std::make_unique<net::thread_pool>(options.computeThreads) : nullptr) {}

void ServerState::stopPools() {
    workers.stop();
    if (compute) compute->stop();
    joinPools();
}

void ServerState::joinPools() {
    workers.join();
    if (compute) compute->join();
}

Admission ServerState::admit(const std::string& ip) {
    std::lock_guard lock(mu_);
    if (total_ >= options.maxConnections) return Admission::ServerFull;
    int& mine = perIp_[ip];
    if (mine >= options.maxConnectionsPerIp) {
        if (mine == 0) perIp_.erase(ip);
        return Admission::ClientFull;
    }
    ++mine;
    ++total_;
    metrics.connectionOpened();
    return Admission::Admitted;
}

void ServerState::release(const std::string& ip) {
    {
        std::lock_guard lock(mu_);
        auto it = perIp_.find(ip);
        if (it != perIp_.end() && --it->second <= 0) perIp_.erase(it);
        --total_;
        metrics.connectionClosed();
    }
    idle_.notify_all();
}

int ServerState::connections() const {
    std::lock_guard lock(mu_);
    return total_;
}

void ServerState::track(Session* session, std::weak_ptr<Session> handle) {
    std::lock_guard lock(mu_);
    sessions_.emplace(session, std::move(handle));
}

void ServerState::untrack(Session* session) {
    std::lock_guard lock(mu_);
    sessions_.erase(session);
}

std::vector<std::shared_ptr<Session>> ServerState::liveSessions() const {
    std::vector<std::shared_ptr<Session>> live;
    std::lock_guard lock(mu_);
    live.reserve(sessions_.size());
    for (const auto& [raw, weak] : sessions_) {
        if (auto strong = weak.lock()) live.push_back(std::move(strong));
    }
    return live;
}

bool ServerState::waitUntilNoConnections(Clock::duration timeout) {
    std::unique_lock lock(mu_);
    return idle_.wait_for(lock, timeout, [this] { return total_ == 0; });
}

}  // namespace obscura::httpd

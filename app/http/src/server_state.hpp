#pragma once
// What every connection of one HttpServer shares: options, routing, the worker pool, limits and the list of
// live sessions that a graceful stop walks.
#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "http_metrics.hpp"
#include "net.hpp"
#include "obscura/http/http_server.hpp"
#include "trusted_proxies.hpp"

namespace obscura {
class Router;
class ServiceRegistry;
}  // namespace obscura

namespace obscura::httpd {

class Session;

enum class Admission { Admitted, ServerFull, ClientFull };

class ServerState {
public:
    ServerState(HttpServerOptions options, Router& router, ServiceRegistry& services, prometheus::Registry& registry,
                TrustedProxies proxies);

    const HttpServerOptions options;
    Router& router;
    ServiceRegistry& services;
    HttpMetrics metrics;
    const TrustedProxies proxies;
    net::thread_pool workers;  // handlers, authentication, sink creation: everything that may block
    // Routes marked `compute` (Route::compute), when options.computeThreads > 0: null otherwise.
    std::unique_ptr<net::thread_pool> compute;
    void stopPools();  // abandon queued work (start() failed)
    void joinPools();  // wait for the handlers still running
    std::atomic<bool> stopping{false};
    std::atomic<bool> draining{false};  // beginDrain(): serve on, but close each connection after its response

    // Takes a connection slot for `ip` (the direct peer) if both limits allow it; release() gives it back.
    Admission admit(const std::string& ip);
    void release(const std::string& ip);
    int connections() const;

    void track(Session* session, std::weak_ptr<Session> handle);
    void untrack(Session* session);
    std::vector<std::shared_ptr<Session>> liveSessions() const;
    // Waits until no connection is open or the timeout passes; true when none is left.
    bool waitUntilNoConnections(Clock::duration timeout);

private:
    mutable std::mutex mu_;
    std::condition_variable idle_;
    int total_ = 0;
    std::unordered_map<std::string, int> perIp_;
    std::unordered_map<Session*, std::weak_ptr<Session>> sessions_;
};

}  // namespace obscura::httpd

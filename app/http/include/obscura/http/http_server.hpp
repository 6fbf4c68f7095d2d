#pragma once
// The HTTP server. Beast-free interface: Beast and Asio live only in app/http/src.
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "obscura/base/expected.hpp"

namespace obscura {

class Router;
class ServiceRegistry;
class Metrics;

struct HttpServerOptions {
    std::string host = "0.0.0.0";
    int port = 8080;  // 0 picks a free port (tests); port() tells which
    int ioThreads = 2;
    int workerThreads = 8;   // handlers run here, never on the I/O threads
    int computeThreads = 0;  // > 0: routes marked `compute` run on a pool of this many threads; 0: on the workers
    std::size_t maxHeaderBytes = 8 * 1024;
    std::uint64_t maxIgnoredBodyBytes = 64 * 1024;  // a body sent to a route that takes none
    int maxConnections = 1024;
    int maxConnectionsPerIp = 64;
    std::chrono::seconds headerTimeout{10};      // whole request header must arrive within this
    std::chrono::seconds idleTimeout{60};        // keep-alive connection with no request
    std::chrono::seconds bodyGrace{10};          // before the minimum body rate is enforced
    std::uint64_t minBodyBytesPerSecond = 1024;  // slower bodies are cut off with 408
    std::chrono::seconds writeTimeout{60};       // a response write making no progress
    std::chrono::seconds drainTime{25};          // graceful shutdown: in-flight requests may finish
    std::vector<std::string> trustedProxies;     // IPs or CIDRs whose X-Forwarded-For/-Proto we believe
    bool accessLog = true;
};

class HttpServer {
public:
    HttpServer(HttpServerOptions options, Router& router, ServiceRegistry& services, Metrics& metrics);
    ~HttpServer();
    HttpServer(const HttpServer&) = delete;
    HttpServer& operator=(const HttpServer&) = delete;

    // Binds and starts the I/O and worker threads. Fails (Unavailable) when the address cannot be bound.
    Status start();
    int port() const;
    // Graceful: stop accepting, close idle connections, let in-flight requests finish for up to drainTime,
    // then close the rest. Blocks until every thread has ended. Idempotent.
    void stop();
    // Before stop(): keep serving, but answer every request with `Connection: close` so clients and proxies
    // open their next connection elsewhere (a replica going away).
    void beginDrain();
    int activeConnections() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace obscura

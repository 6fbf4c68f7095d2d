#include "obscura/http/http_server.hpp"

#include <exception>
#include <mutex>
#include <optional>
#include <thread>

#include "listener.hpp"
#include "net.hpp"
#include "obscura/kernel/log.hpp"
#include "obscura/kernel/metrics.hpp"
#include "server_state.hpp"
#include "session.hpp"
#include "trusted_proxies.hpp"

namespace obscura {

namespace net = httpd::net;

namespace {

// After the drain time, connections are closed by force; this bounds the wait for their sessions to unwind.
constexpr auto kUnwindTime = std::chrono::seconds(5);

Status validate(const HttpServerOptions& o) {
    const auto invalid = [](const std::string& what) { return Error(ErrorCode::Invalid, "HTTP server: " + what); };
    if (o.ioThreads < 1) return invalid("ioThreads must be at least 1");
    if (o.workerThreads < 1) return invalid("workerThreads must be at least 1");
    if (o.computeThreads < 0) return invalid("computeThreads must not be negative");
    if (o.maxConnections < 1) return invalid("maxConnections must be at least 1");
    if (o.maxConnectionsPerIp < 1) return invalid("maxConnectionsPerIp must be at least 1");
    if (o.maxHeaderBytes < 256 || o.maxHeaderBytes > (1u << 20)) {
        return invalid("maxHeaderBytes must be between 256 and 1048576");
    }
    if (o.port < 0 || o.port > 65535) return invalid("port must be between 0 and 65535");
    for (auto [name, value] : {std::pair{"headerTimeout", o.headerTimeout}, std::pair{"idleTimeout", o.idleTimeout},
                               std::pair{"writeTimeout", o.writeTimeout}}) {
        if (value.count() < 1) return invalid(std::string(name) + " must be at least 1 second");
    }
    if (o.bodyGrace.count() < 0 || o.drainTime.count() < 0) {
        return invalid("bodyGrace and drainTime must not be negative");
    }
    return {};
}

}  // namespace

struct HttpServer::Impl {
    Impl(HttpServerOptions o, Router& r, ServiceRegistry& s, Metrics& m)
        : options(std::move(o)), router(r), services(s), metrics(m) {}

    HttpServerOptions options;
    Router& router;
    ServiceRegistry& services;
    Metrics& metrics;

    std::mutex lifecycle;
    bool started = false;
    bool stopped = false;
    int port = 0;
    // Declared before the io_context: sessions destroyed with it still refer to the state.
    std::shared_ptr<httpd::ServerState> state;
    std::unique_ptr<net::io_context> ioc;
    std::optional<net::executor_work_guard<net::io_context::executor_type>> work;
    std::shared_ptr<httpd::Listener> listener;
    std::vector<std::thread> threads;
};

HttpServer::HttpServer(HttpServerOptions options, Router& router, ServiceRegistry& services, Metrics& metrics)
    : impl_(std::make_unique<Impl>(std::move(options), router, services, metrics)) {}

HttpServer::~HttpServer() { stop(); }

Status HttpServer::start() {
    std::lock_guard lock(impl_->lifecycle);
    if (impl_->started) return Error(ErrorCode::Internal, "HTTP server started twice");
    OBSCURA_TRY_STATUS(validate(impl_->options));
    OBSCURA_TRY(proxies, httpd::TrustedProxies::parse(impl_->options.trustedProxies));
    try {
        impl_->state = std::make_shared<httpd::ServerState>(impl_->options, impl_->router, impl_->services,
                                                            impl_->metrics.registry(), std::move(proxies));
    } catch (const std::exception& e) {
        return Error(ErrorCode::Internal, std::string("HTTP server: cannot set up metrics or workers: ") + e.what());
    }
    impl_->ioc = std::make_unique<net::io_context>(impl_->options.ioThreads);
    impl_->listener = std::make_shared<httpd::Listener>(*impl_->ioc, impl_->state);
    if (auto opened = impl_->listener->open(impl_->options.host, impl_->options.port); !opened) {
        impl_->state->stopPools();
        impl_->listener.reset();
        impl_->ioc.reset();
        impl_->state.reset();
        return opened;
    }
    impl_->port = impl_->listener->port();
    impl_->listener->start();
    impl_->work.emplace(impl_->ioc->get_executor());
    for (int i = 0; i < impl_->options.ioThreads; ++i) {
        impl_->threads.emplace_back([ioc = impl_->ioc.get()] {
            // A throwing completion handler is a bug; it must not take the I/O thread (and the server) down.
            for (;;) {
                try {
                    ioc->run();
                    return;
                } catch (const std::exception& e) {
                    log::error(std::string("HTTP I/O thread caught: ") + e.what());
                } catch (...) {
                    log::error("HTTP I/O thread caught a non-standard exception");
                }
            }
        });
    }
    impl_->started = true;
    log::debug("HTTP server bound to port " + std::to_string(impl_->port));
    return {};
}

int HttpServer::port() const { return impl_->port; }

int HttpServer::activeConnections() const {
    auto state = impl_->state;
    return state ? state->connections() : 0;
}

void HttpServer::beginDrain() {
    std::lock_guard lock(impl_->lifecycle);
    if (impl_->state) impl_->state->draining = true;
}

void HttpServer::stop() {
    std::lock_guard lock(impl_->lifecycle);
    if (!impl_->started || impl_->stopped) return;
    impl_->stopped = true;
    auto& state = *impl_->state;
    state.stopping = true;
    impl_->listener->stop();
    for (const auto& session : state.liveSessions()) session->notifyStopping();
    if (!state.waitUntilNoConnections(impl_->options.drainTime)) {
        log::warn("HTTP server: " + std::to_string(state.connections()) +
                  " connection(s) still busy after the drain time; closing them");
        for (const auto& session : state.liveSessions()) session->forceClose();
    }
    // Handlers still running finish (they cannot be interrupted); their answers go nowhere once closed.
    state.joinPools();
    state.waitUntilNoConnections(kUnwindTime);
    impl_->work.reset();
    impl_->ioc->stop();
    for (auto& thread : impl_->threads) thread.join();
    impl_->threads.clear();
    log::debug("HTTP server stopped");
}

}  // namespace obscura

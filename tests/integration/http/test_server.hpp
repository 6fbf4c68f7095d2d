#pragma once
// An HttpServer with a fixed set of test routes, a fake Authenticator and hooks to observe what happened.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "obscura/http/http_server.hpp"
#include "obscura/kernel/authenticator.hpp"
#include "obscura/kernel/metrics.hpp"
#include "obscura/kernel/router.hpp"
#include "obscura/kernel/service_registry.hpp"

namespace obscura::test {

// "Bearer user-token" → alice (id user-1), "Bearer admin-token" → root (admin), "Bearer slow-token" → alice after 300
// ms.
class FakeAuthenticator final : public Authenticator {
public:
    Expected<Principal> authenticate(const Request& request) override;
    std::atomic<int> started{0};
    std::atomic<int> completed{0};
};

// What the body sinks, streams and handlers of the test routes saw.
struct Observed {
    std::mutex mu;
    std::condition_variable changed;
    std::string sinkData;
    int sinksCreated = 0;
    int sinksFinished = 0;
    int sinksAborted = 0;
    int streamsCancelled = 0;
    int uploadHandlerCalls = 0;
    bool slowHandlerStarted = false;
    int computeRunning = 0;       // /compute handlers running now
    int computeMostRunning = 0;   // the most that ran at once
    bool computeRelease = false;  // lets every /compute handler answer
    std::string lastBody;

    // Waits until pred() holds (checked under the lock) or the timeout passes.
    bool waitFor(const std::function<bool()>& pred, std::chrono::milliseconds timeout);
    void notify();
};

// Short limits so timeouts are testable in about a second.
HttpServerOptions testOptions();

class TestServer {
public:
    explicit TestServer(HttpServerOptions options = testOptions(), bool withAuthenticator = true);
    ~TestServer();

    int port() const { return server_->port(); }
    HttpServer& server() { return *server_; }
    FakeAuthenticator& auth() { return *auth_; }
    Observed& observed() { return *observed_; }
    std::string metricsText() const { return metrics_.serialize(); }
    const std::string& filePath() const { return filePath_; }
    static const std::string& fileContent();

private:
    void addRoutes();

    Router router_;
    ServiceRegistry services_;
    Metrics metrics_;
    std::shared_ptr<FakeAuthenticator> auth_;
    std::shared_ptr<Observed> observed_;
    std::string filePath_;
    std::unique_ptr<HttpServer> server_;
};

// The value of one Prometheus sample line starting with `series` (e.g. `name{a="b"}`), or -1 when absent.
double metricValue(const std::string& text, const std::string& series);

// Some bytes of `size` length that differ along the way, so reordered or dropped chunks are caught.
std::string patternBytes(std::size_t size);

}  // namespace obscura::test

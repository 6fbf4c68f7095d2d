#pragma once
// Every circuit breaker of the process in one place (DESIGN §9), so /metrics (`obscura_circuit_state{dependency}`:
// 0 closed, 1 open, 2 half-open) and /readyz detail see them all. Whoever owns a breaker — the S3 blob store, the
// SMTP mailer, the message broker — registers it here; the App puts one registry in the ServiceRegistry before the
// modules start (`ctx.services().find<CircuitRegistry>()`; absent in kernel-only tests).
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "obscura/base/circuit_breaker.hpp"
#include "obscura/base/expected.hpp"

namespace obscura {

class Metrics;

struct CircuitStatus {
    std::string dependency;
    CircuitState state = CircuitState::Closed;
    int retryAfterSeconds = 1;
};

class CircuitRegistry {
public:
    // With metrics, publish() keeps the gauge family there; without, only snapshot() is useful.
    explicit CircuitRegistry(Metrics* metrics = nullptr);
    ~CircuitRegistry();
    CircuitRegistry(const CircuitRegistry&) = delete;
    CircuitRegistry& operator=(const CircuitRegistry&) = delete;

    // Registers a breaker under its dependency() name; a second breaker of the same name replaces the first.
    void add(std::shared_ptr<const CircuitBreaker> breaker);
    // For a breaker owned elsewhere (a plugin's): the caller keeps it alive until clear() or remove().
    void addUnowned(const CircuitBreaker& breaker);
    void remove(const std::string& dependency);
    void clear();

    // Every registered breaker's state, by dependency name.
    std::vector<CircuitStatus> snapshot() const;
    // Sets obscura_circuit_state{dependency} from the breakers (called before each /metrics scrape).
    void publish();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// Ok while the breaker lets calls through (closed, or open with its cooldown over: the probe may go); otherwise
// 503 `dependency_unavailable` naming the dependency, with Retry-After. For a request that would only fail later
// (an upload into an S3 that is down): refuse it before its body is read. A null breaker is always Ok.
Status failFastWhenOpen(const CircuitBreaker* breaker);

}  // namespace obscura

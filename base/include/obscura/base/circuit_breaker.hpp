#pragma once
// A circuit breaker around one dependency (S3, SMTP, the message broker; DESIGN §9): after `threshold`
// consecutive failures the circuit opens and callers fail fast instead of queueing behind a dead peer; after
// `cooldown` one caller is let through as a probe (half-open); its success closes the circuit, its failure
// opens it for another cooldown. Callers ask allow() before the call and report success() or failure() after
// it — only failures of the dependency itself (unreachable, 5xx, timeouts), never a caller's own bad request.
//
// Thread-safe. Lives in base so a plugin (which links no kernel) can hold one; the executable reads state()
// for `obscura_circuit_state{dependency}` and /readyz.
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>

namespace obscura {

enum class CircuitState { Closed = 0, Open = 1, HalfOpen = 2 };

std::string_view circuitStateName(CircuitState state);  // "closed", "open", "half_open"

class CircuitBreaker {
public:
    // Milliseconds of a monotonic clock; tests pass their own.
    using MonotonicMs = std::function<std::int64_t()>;

    CircuitBreaker(std::string dependency, int threshold, std::chrono::milliseconds cooldown, MonotonicMs now = {});

    const std::string& dependency() const { return dependency_; }

    // True when the call may go ahead. In the open state false until the cooldown has passed; then true for
    // exactly one caller (the probe) until that caller reports.
    bool allow();
    void success();
    void failure();

    CircuitState state() const;
    // True when allow() would answer false now — without taking the probe. For callers that refuse a request
    // up front (an upload into an S3 that is down) and must not use up the half-open probe doing so.
    bool refusing() const;
    // Seconds a refused caller should wait before trying again (>= 1): what is left of the cooldown.
    int retryAfterSeconds() const;
    // How many times the circuit has opened since start (for logs and metrics).
    std::uint64_t opened() const;

private:
    std::int64_t now() const;

    const std::string dependency_;
    const int threshold_;
    const std::chrono::milliseconds cooldown_;
    const MonotonicMs clock_;
    mutable std::mutex mutex_;
    CircuitState state_ = CircuitState::Closed;
    int failures_ = 0;
    std::int64_t openedAtMs_ = 0;
    bool probeInFlight_ = false;
    std::uint64_t openedCount_ = 0;
};

}  // namespace obscura

#include "obscura/base/circuit_breaker.hpp"

#include <algorithm>
#include <utility>

namespace obscura {

std::string_view circuitStateName(CircuitState state) {
    switch (state) {
        case CircuitState::Closed:
            return "closed";
        case CircuitState::Open:
            return "open";
        case CircuitState::HalfOpen:
            return "half_open";
    }
    return "closed";
}

CircuitBreaker::CircuitBreaker(std::string dependency, int threshold, std::chrono::milliseconds cooldown,
                               MonotonicMs now)
    : dependency_(std::move(dependency)),
      threshold_(std::max(1, threshold)),
      cooldown_(cooldown),
      clock_(std::move(now)) {}

std::int64_t CircuitBreaker::now() const {
    if (clock_) return clock_();
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

bool CircuitBreaker::allow() {
    std::lock_guard lock(mutex_);
    switch (state_) {
        case CircuitState::Closed:
            return true;
        case CircuitState::Open:
            if (now() - openedAtMs_ < cooldown_.count()) return false;
            state_ = CircuitState::HalfOpen;
            probeInFlight_ = true;
            return true;
        case CircuitState::HalfOpen:
            // One probe at a time: the others keep failing fast until it reports. A probe that never reports
            // (its caller died) must not wedge the circuit, so after another cooldown a new probe may go.
            if (probeInFlight_ && now() - openedAtMs_ < 2 * cooldown_.count()) return false;
            probeInFlight_ = true;
            openedAtMs_ = now() - cooldown_.count();
            return true;
    }
    return true;
}

void CircuitBreaker::success() {
    std::lock_guard lock(mutex_);
    state_ = CircuitState::Closed;
    failures_ = 0;
    probeInFlight_ = false;
}

void CircuitBreaker::failure() {
    std::lock_guard lock(mutex_);
    probeInFlight_ = false;
    if (state_ == CircuitState::HalfOpen || ++failures_ >= threshold_) {
        if (state_ != CircuitState::Open) ++openedCount_;
        state_ = CircuitState::Open;
        openedAtMs_ = now();
        failures_ = 0;
    }
}

CircuitState CircuitBreaker::state() const {
    std::lock_guard lock(mutex_);
    return state_;
}

bool CircuitBreaker::refusing() const {
    std::lock_guard lock(mutex_);
    switch (state_) {
        case CircuitState::Closed:
            return false;
        case CircuitState::Open:
            return now() - openedAtMs_ < cooldown_.count();
        case CircuitState::HalfOpen:
            return probeInFlight_ && now() - openedAtMs_ < 2 * cooldown_.count();
    }
    return false;
}

int CircuitBreaker::retryAfterSeconds() const {
    std::lock_guard lock(mutex_);
    if (state_ == CircuitState::Closed) return 1;
    const std::int64_t left = cooldown_.count() - (now() - openedAtMs_);
    return static_cast<int>(std::max<std::int64_t>(1, (left + 999) / 1000));
}

std::uint64_t CircuitBreaker::opened() const {
    std::lock_guard lock(mutex_);
    return openedCount_;
}

}  // namespace obscura

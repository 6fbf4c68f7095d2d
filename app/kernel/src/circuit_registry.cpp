#include "obscura/kernel/circuit_registry.hpp"

#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include <algorithm>
#include <map>

#include "obscura/kernel/metrics.hpp"

namespace obscura {

struct CircuitRegistry::Impl {
    mutable std::mutex mu;
    std::map<std::string, std::shared_ptr<const CircuitBreaker>> breakers;
    prometheus::Family<prometheus::Gauge>* gauges = nullptr;
};

CircuitRegistry::CircuitRegistry(Metrics* metrics) : impl_(std::make_unique<Impl>()) {
    if (metrics != nullptr)
        impl_->gauges = &prometheus::BuildGauge()
                             .Name("obscura_circuit_state")
                             .Help("Circuit breaker per dependency: 0 closed, 1 open, 2 half-open")
                             .Register(metrics->registry());
}

CircuitRegistry::~CircuitRegistry() = default;

void CircuitRegistry::add(std::shared_ptr<const CircuitBreaker> breaker) {
    if (!breaker) return;
    std::lock_guard lock(impl_->mu);
    impl_->breakers[breaker->dependency()] = std::move(breaker);
}

void CircuitRegistry::addUnowned(const CircuitBreaker& breaker) {
    add(std::shared_ptr<const CircuitBreaker>(&breaker, [](const CircuitBreaker*) {}));
}

void CircuitRegistry::remove(const std::string& dependency) {
    std::lock_guard lock(impl_->mu);
    impl_->breakers.erase(dependency);
}

void CircuitRegistry::clear() {
    std::lock_guard lock(impl_->mu);
    impl_->breakers.clear();
}

std::vector<CircuitStatus> CircuitRegistry::snapshot() const {
    std::lock_guard lock(impl_->mu);
    std::vector<CircuitStatus> out;
    out.reserve(impl_->breakers.size());
    for (const auto& [name, breaker] : impl_->breakers)
        out.push_back({name, breaker->state(), breaker->retryAfterSeconds()});
    return out;
}

void CircuitRegistry::publish() {
    if (impl_->gauges == nullptr) return;
    for (const auto& status : snapshot())
        impl_->gauges->Add({{"dependency", status.dependency}}).Set(static_cast<double>(status.state));
}

Status failFastWhenOpen(const CircuitBreaker* breaker) {
    if (breaker == nullptr || !breaker->refusing()) return {};
    return Error(ErrorCode::Unavailable, breaker->dependency() + " is unavailable (circuit open); try again later",
                 "dependency_unavailable")
        .retryAfter(breaker->retryAfterSeconds());
}

}  // namespace obscura

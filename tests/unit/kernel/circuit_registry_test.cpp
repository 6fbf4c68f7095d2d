#include "obscura/kernel/circuit_registry.hpp"

#include <doctest/doctest.h>

#include <cstdint>

#include "obscura/kernel/metrics.hpp"

using namespace obscura;
using namespace std::chrono_literals;

namespace {

struct ManualTime {
    std::int64_t ms = 1000;
    CircuitBreaker::MonotonicMs clock() {
        return [this] { return ms; };
    }
};

void openIt(CircuitBreaker& breaker, int threshold) {
    for (int i = 0; i < threshold; ++i) breaker.failure();
}

}  // namespace

TEST_SUITE("kernel.circuit_registry") {
    TEST_CASE("obscura_circuit_state has one series per registered dependency: 0 closed, 1 open, 2 half-open") {
        ManualTime time;
        Metrics metrics;
        CircuitRegistry registry(&metrics);
        auto smtp = std::make_shared<CircuitBreaker>("smtp", 2, 5s, time.clock());
        CircuitBreaker s3("s3", 2, 5s, time.clock());
        auto amqp = std::make_shared<CircuitBreaker>("amqp", 1, 5s, time.clock());
        registry.add(smtp);
        registry.addUnowned(s3);
        registry.add(amqp);
        openIt(*smtp, 2);
        amqp->failure();
        time.ms += 6000;
        REQUIRE(amqp->allow());  // the probe: half-open
        registry.publish();
        const std::string text = metrics.serialize();
        CHECK(text.find("obscura_circuit_state{dependency=\"smtp\"} 1") != std::string::npos);
        CHECK(text.find("obscura_circuit_state{dependency=\"s3\"} 0") != std::string::npos);
        CHECK(text.find("obscura_circuit_state{dependency=\"amqp\"} 2") != std::string::npos);

        auto all = registry.snapshot();
        REQUIRE(all.size() == 3);
        CHECK(all[0].dependency == "amqp");  // by name
        CHECK(all[2].dependency == "smtp");
        CHECK(all[2].state == CircuitState::Open);
    }

    TEST_CASE("a dependency removed or cleared is no longer listed") {
        CircuitRegistry registry;
        CircuitBreaker s3("s3", 2, 5s);
        registry.addUnowned(s3);
        registry.add(std::make_shared<CircuitBreaker>("smtp", 2, 5s));
        registry.remove("smtp");
        REQUIRE(registry.snapshot().size() == 1);
        registry.clear();
        CHECK(registry.snapshot().empty());
    }

    TEST_CASE("failFastWhenOpen refuses with 503 dependency_unavailable and the cooldown left, without the probe") {
        ManualTime time;
        CircuitBreaker breaker("s3", 2, 10s, time.clock());
        CHECK(failFastWhenOpen(&breaker).ok());
        CHECK(failFastWhenOpen(nullptr).ok());
        openIt(breaker, 2);
        time.ms += 3500;
        auto refused = failFastWhenOpen(&breaker);
        REQUIRE_FALSE(refused.ok());
        CHECK(refused.error().code == ErrorCode::Unavailable);
        CHECK(refused.error().reason == "dependency_unavailable");
        CHECK(refused.error().retryAfterSeconds == std::optional<int>(7));
        CHECK(refused.error().message.find("s3") != std::string::npos);
        // Once the cooldown is over the request goes ahead, and the probe is still there for its store call.
        time.ms += 7000;
        CHECK(failFastWhenOpen(&breaker).ok());
        CHECK(breaker.allow());
        CHECK(breaker.state() == CircuitState::HalfOpen);
        // While that probe is out, others are refused.
        CHECK_FALSE(failFastWhenOpen(&breaker).ok());
    }
}

#include "obscura/base/circuit_breaker.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <cstdint>
#include <thread>
#include <vector>

using namespace obscura;
using namespace std::chrono_literals;

namespace {

struct ManualTime {
    std::int64_t ms = 1000;
    CircuitBreaker::MonotonicMs clock() {
        return [this] { return ms; };
    }
};

}  // namespace

TEST_SUITE("base.circuit_breaker") {
    TEST_CASE("a closed circuit lets every call through and forgets failures after a success") {
        ManualTime time;
        CircuitBreaker breaker("s3", 3, 5s, time.clock());
        breaker.failure();
        breaker.failure();
        breaker.success();
        breaker.failure();
        breaker.failure();
        CHECK(breaker.allow());
        CHECK(breaker.state() == CircuitState::Closed);
        CHECK(breaker.opened() == 0);
    }

    TEST_CASE("consecutive failures open the circuit and callers fail fast with the cooldown left") {
        ManualTime time;
        CircuitBreaker breaker("smtp", 3, 5s, time.clock());
        for (int i = 0; i < 3; ++i) breaker.failure();
        CHECK(breaker.state() == CircuitState::Open);
        CHECK(breaker.opened() == 1);
        CHECK_FALSE(breaker.allow());
        CHECK(breaker.retryAfterSeconds() == 5);
        time.ms += 3500;
        CHECK_FALSE(breaker.allow());
        CHECK(breaker.retryAfterSeconds() == 2);
    }

    TEST_CASE("after the cooldown exactly one probe goes, and its success closes the circuit") {
        ManualTime time;
        CircuitBreaker breaker("amqp", 1, 2s, time.clock());
        breaker.failure();
        time.ms += 2000;
        CHECK(breaker.allow());
        CHECK(breaker.state() == CircuitState::HalfOpen);
        CHECK_FALSE(breaker.allow());  // a second caller while the probe is out
        breaker.success();
        CHECK(breaker.state() == CircuitState::Closed);
        CHECK(breaker.allow());
        CHECK(breaker.allow());
    }

    TEST_CASE("a failed probe opens the circuit for another full cooldown") {
        ManualTime time;
        CircuitBreaker breaker("s3", 2, 2s, time.clock());
        breaker.failure();
        breaker.failure();
        time.ms += 2000;
        REQUIRE(breaker.allow());
        breaker.failure();
        CHECK(breaker.state() == CircuitState::Open);
        CHECK(breaker.opened() == 2);
        time.ms += 1999;
        CHECK_FALSE(breaker.allow());
        time.ms += 1;
        CHECK(breaker.allow());
    }

    TEST_CASE("a probe that never reports does not keep the circuit half-open forever") {
        ManualTime time;
        CircuitBreaker breaker("smtp", 1, 1s, time.clock());
        breaker.failure();
        time.ms += 1000;
        REQUIRE(breaker.allow());  // the probe's caller vanishes without reporting
        time.ms += 500;
        CHECK_FALSE(breaker.allow());
        time.ms += 600;
        CHECK(breaker.allow());  // a new probe
        CHECK_FALSE(breaker.allow());
    }

    TEST_CASE("under concurrent callers an open circuit past its cooldown lets exactly one probe through") {
        ManualTime time;
        CircuitBreaker breaker("s3", 1, 1s, time.clock());
        breaker.failure();
        time.ms += 1000;
        std::atomic<int> allowed{0};
        std::vector<std::thread> threads;
        for (int i = 0; i < 8; ++i) {
            threads.emplace_back([&] {
                if (breaker.allow()) allowed.fetch_add(1);
            });
        }
        for (auto& t : threads) t.join();
        CHECK(allowed.load() == 1);
    }

    TEST_CASE("refusing() answers what allow() would, without taking the half-open probe") {
        ManualTime time;
        CircuitBreaker breaker("s3", 1, 5s, time.clock());
        CHECK_FALSE(breaker.refusing());
        breaker.failure();
        CHECK(breaker.refusing());
        time.ms += 5000;
        CHECK_FALSE(breaker.refusing());
        CHECK_FALSE(breaker.refusing());  // asking twice leaves the probe in place
        CHECK(breaker.allow());
        CHECK(breaker.refusing());  // the probe is out
        breaker.success();
        CHECK_FALSE(breaker.refusing());
    }

    TEST_CASE("state names are the metric's label values") {
        CHECK(circuitStateName(CircuitState::Closed) == "closed");
        CHECK(circuitStateName(CircuitState::Open) == "open");
        CHECK(circuitStateName(CircuitState::HalfOpen) == "half_open");
    }
}

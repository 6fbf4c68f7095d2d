#include "obscura/kernel/bus.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#include "obscura/kernel/metrics.hpp"

using namespace obscura;
using namespace std::chrono_literals;

namespace {

struct Numbered {
    static constexpr std::string_view kName = "test.numbered";
    int n = 0;
};
struct Other {
    static constexpr std::string_view kName = "test.other";
};

template <typename Pred>
bool eventually(Pred pred, std::chrono::milliseconds timeout = 5000ms) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        if (pred()) return true;
        std::this_thread::sleep_for(2ms);
    }
    return pred();
}

}  // namespace

TEST_SUITE("kernel.bus") {
    TEST_CASE("every subscriber of an event gets it, subscribers of other events do not") {
        Metrics metrics;
        Bus bus(metrics, 2);
        std::atomic<int> a{0}, b{0}, other{0};
        auto s1 = bus.subscribe<Numbered>("a", [&](const Numbered& e) { a += e.n; });
        auto s2 = bus.subscribe<Numbered>("b", [&](const Numbered& e) { b += e.n; });
        auto s3 = bus.subscribe<Other>("other", [&](const Other&) { ++other; });
        bus.publish(Numbered{5});
        CHECK(eventually([&] { return a == 5 && b == 5; }));
        CHECK(other == 0);
    }

    TEST_CASE("delivery is asynchronous: publish returns while the handler still runs") {
        Metrics metrics;
        Bus bus(metrics, 2);
        std::atomic<bool> release{false}, done{false};
        auto s = bus.subscribe<Numbered>("slow", [&](const Numbered&) {
            while (!release) std::this_thread::sleep_for(1ms);
            done = true;
        });
        bus.publish(Numbered{1});
        CHECK_FALSE(done);
        release = true;
        CHECK(eventually([&] { return done.load(); }));
    }

    TEST_CASE("one subscriber sees its events in publish order and never two at once") {
        Metrics metrics;
        Bus bus(metrics, 4);
        std::mutex mu;
        std::vector<int> seen;
        std::atomic<int> inFlight{0}, maxInFlight{0};
        auto s = bus.subscribe<Numbered>("ordered", [&](const Numbered& e) {
            int now = ++inFlight;
            maxInFlight = std::max(maxInFlight.load(), now);
            {
                std::lock_guard lock(mu);
                seen.push_back(e.n);
            }
            --inFlight;
        });
        for (int i = 0; i < 2000; ++i) bus.publish(Numbered{i});
        CHECK(eventually([&] {
            std::lock_guard lock(mu);
            return seen.size() == 2000;
        }));
        std::lock_guard lock(mu);
        bool ordered = true;
        for (int i = 0; i < 2000; ++i) ordered = ordered && seen[i] == i;
        CHECK(ordered);
        CHECK(maxInFlight == 1);
    }

    TEST_CASE("a handler that throws is isolated, logged and counted; later events still arrive") {
        Metrics metrics;
        Bus bus(metrics, 2);
        std::atomic<int> healthy{0}, afterThrow{0};
        auto bad = bus.subscribe<Numbered>("thrower", [&](const Numbered& e) {
            if (e.n == 1) throw std::runtime_error("boom");
            ++afterThrow;
        });
        auto good = bus.subscribe<Numbered>("healthy", [&](const Numbered&) { ++healthy; });
        bus.publish(Numbered{1});
        bus.publish(Numbered{2});
        CHECK(eventually([&] { return healthy == 2 && afterThrow == 1; }));
        auto text = metrics.serialize();
        CHECK(text.find(R"(obscura_bus_handler_failures_total{event="test.numbered",subscriber="thrower"} 1)") !=
              std::string::npos);
    }

    TEST_CASE("stop() delivers everything already published, then drops new events") {
        Metrics metrics;
        Bus bus(metrics, 2);
        std::atomic<int> handled{0};
        auto s = bus.subscribe<Numbered>("slowish", [&](const Numbered&) {
            std::this_thread::sleep_for(1ms);
            ++handled;
        });
        for (int i = 0; i < 200; ++i) bus.publish(Numbered{i});
        CHECK(handled < 200);  // still in flight when stop() begins
        bus.stop();
        CHECK(handled == 200);
        CHECK(bus.pending() == 0);
        bus.publish(Numbered{1});
        std::this_thread::sleep_for(20ms);
        CHECK(handled == 200);
        CHECK(metrics.serialize().find("obscura_bus_events_dropped_total 1") != std::string::npos);
    }

    TEST_CASE("destroying a subscription stops delivery and waits for its running handler") {
        Metrics metrics;
        Bus bus(metrics, 2);
        std::atomic<bool> entered{false}, finished{false};
        std::atomic<int> calls{0};
        auto s = std::make_unique<Bus::Subscription>(bus.subscribe<Numbered>("leaving", [&](const Numbered&) {
            ++calls;
            entered = true;
            std::this_thread::sleep_for(100ms);
            finished = true;
        }));
        bus.publish(Numbered{1});
        bus.publish(Numbered{2});
        REQUIRE(eventually([&] { return entered.load(); }));
        s.reset();  // must block until the first call returns, and drop the second
        CHECK(finished);
        std::this_thread::sleep_for(150ms);
        CHECK(calls == 1);
    }
}

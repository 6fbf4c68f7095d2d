#include "obscura/base/clock.hpp"

#include <doctest/doctest.h>

#include <thread>
#include <vector>

using namespace obscura;

TEST_SUITE("base.clock") {
    TEST_CASE("the system clock reads the system's wall time") {
        const SystemClock clock;
        const auto before =
            std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
                .count();
        const auto now = clock.nowUs();
        const auto after =
            std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
                .count();
        CHECK(before <= now);
        CHECK(now <= after);
    }

    TEST_CASE("a fake clock stands still until it is set or advanced") {
        FakeClock clock;
        CHECK(clock.nowUs() == FakeClock::kDefaultUs);
        CHECK(clock.nowUs() == FakeClock::kDefaultUs);
        clock.advance(std::chrono::hours(24));
        CHECK(clock.nowUs() == FakeClock::kDefaultUs + 86400LL * 1000000);
        clock.set(42);
        CHECK(clock.nowUs() == 42);
        clock.advance(std::chrono::microseconds(-2));
        CHECK(clock.nowUs() == 40);
    }

    TEST_CASE("a fake clock is read through the interface like the real one") {
        FakeClock fake(1000);
        const Clock& clock = fake;
        fake.advance(std::chrono::milliseconds(1));
        CHECK(clock.nowUs() == 2000);
    }

    TEST_CASE("a fake clock can be moved by one thread while others read it") {
        FakeClock clock(0);
        std::vector<std::thread> threads;
        for (int t = 0; t < 4; ++t)
            threads.emplace_back([&] {
                for (int i = 0; i < 1000; ++i) clock.advance(std::chrono::microseconds(1));
            });
        for (auto& t : threads) t.join();
        CHECK(clock.nowUs() == 4000);
    }
}

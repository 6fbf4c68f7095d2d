#pragma once
// The wall clock, injected: every module reads "now" from its ModuleContext (ctx.clock()), the job queue from
// its constructor, so a test can stop or move time (token expiry, throttle windows, share-link expiry, trash
// purging) without sleeping. main.cpp builds the one SystemClock; tests use FakeClock.
//
// Only wall time is here: what is stored, compared with stored times and shown. Waits and timeouts use
// std::chrono::steady_clock directly (condition variables and sockets wait in real time, which a fake clock
// cannot move), and code that measures an age takes the time point as a parameter (ListingCache).
#include <atomic>
#include <chrono>
#include <cstdint>

namespace obscura {

class Clock {
public:
    virtual ~Clock() = default;
    // Now as UTC microseconds since 1970-01-01. Thread-safe.
    virtual std::int64_t nowUs() const = 0;
};

// std::chrono::system_clock.
class SystemClock final : public Clock {
public:
    std::int64_t nowUs() const override;
};

// Stands still until a test sets or advances it; safe to move from one thread while others read it.
class FakeClock final : public Clock {
public:
    // 2024-05-01T12:00:00Z: a fixed, recognisable default.
    static constexpr std::int64_t kDefaultUs = 1714564800LL * 1000000;

    explicit FakeClock(std::int64_t nowUs = kDefaultUs) : nowUs_(nowUs) {}
    std::int64_t nowUs() const override { return nowUs_.load(); }
    void set(std::int64_t nowUs) { nowUs_.store(nowUs); }
    void advance(std::chrono::microseconds by) { nowUs_.fetch_add(by.count()); }

private:
    std::atomic<std::int64_t> nowUs_;
};

}  // namespace obscura

#include "login_throttle.hpp"

#include <doctest/doctest.h>

using namespace obscura;
using namespace obscura::auth;

TEST_SUITE("auth.throttle") {
    TEST_CASE("a throttle counter blocks from its limit until its window ends, rounding the wait up") {
        using std::chrono::seconds;
        const std::int64_t start = 1'000'000'000'000;
        storage::LoginFailures f{"user:x", 4, start};
        CHECK_FALSE(secondsBlocked(f, 5, seconds(60), start + 1).has_value());
        f.failures = 5;
        CHECK(secondsBlocked(f, 5, seconds(60), start) == std::optional<int>(60));
        CHECK(secondsBlocked(f, 5, seconds(60), start + 59'000'001) == std::optional<int>(1));
        CHECK_FALSE(secondsBlocked(f, 5, seconds(60), start + 60'000'000).has_value());
        f.failures = 50;
        CHECK(secondsBlocked(f, 5, seconds(60), start + 30'500'000) == std::optional<int>(30));
    }

    TEST_CASE("throttle counters never hold the username as typed") {
        const auto key = LoginThrottle::usernameCounter("hunter2-typed-in-the-wrong-box");
        CHECK(key.rfind("user:", 0) == 0);
        CHECK(key.find("hunter2") == std::string::npos);
        CHECK(key == LoginThrottle::usernameCounter("hunter2-typed-in-the-wrong-box"));
        CHECK(LoginThrottle::ipCounter("10.0.0.7") == "ip:10.0.0.7");
    }
}

#pragma once
// Time as the auth module reads it. Injected, so tests can move it (token expiry, throttle windows).
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

namespace obscura::auth {

// UTC microseconds since the epoch.
using Clock = std::function<std::int64_t()>;

inline std::int64_t systemNowUs() {
    return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// "2024-05-01T12:00:00.123Z", the kernel's form.
std::string rfc3339(std::int64_t us);

}  // namespace obscura::auth

#pragma once
// Password-guessing brakes: failed sign-ins are counted per client IP and per username in the database, so
// the count holds across replicas and restarts. Once either counter reaches its limit inside its window,
// sign-ins for that IP or username answer 429 with Retry-After until the window ends — before any password
// is hashed, and the same whether the username exists or not.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "obscura/base/clock.hpp"
#include "obscura/base/expected.hpp"
#include "obscura/storage/records.hpp"

namespace obscura::storage {
class Storage;
}

namespace obscura::auth {

struct ThrottleLimits {
    int perUsername = 5;
    int perIp = 20;
    std::chrono::seconds window{900};
};

// Whole seconds (at least 1) until a counter with `limit` allows another attempt; nullopt when it does now.
std::optional<int> secondsBlocked(const storage::LoginFailures& failures, int limit, std::chrono::seconds window,
                                  std::int64_t nowUs);

class LoginThrottle {
public:
    LoginThrottle(storage::Storage& storage, ThrottleLimits limits, const Clock& clock);

    // RateLimited with retryAfter while the username (by its key) or the IP is blocked.
    Status check(const std::string& usernameKey, const std::string& clientIp);
    // Counts one failure against both. Storage errors are logged, not returned: the caller answers 401 anyway.
    void failed(const std::string& usernameKey, const std::string& clientIp);
    // A right password clears the username's counter; the IP's stays, or one known account would let its
    // owner reset the counter between guesses at others.
    void succeeded(const std::string& usernameKey);
    // Deletes counters whose window ended (housekeeping).
    Expected<std::int64_t> purgeExpired();

    // The counter keys. Usernames are stored hashed: what people type there is sometimes their password.
    static std::string usernameCounter(const std::string& usernameKey);
    static std::string ipCounter(const std::string& clientIp);

private:
    storage::Storage& storage_;
    ThrottleLimits limits_;
    const Clock& clock_;
};

}  // namespace obscura::auth

#include "login_throttle.hpp"

#include <algorithm>

#include "obscura/kernel/log.hpp"
#include "obscura/storage/storage.hpp"
#include "secrets.hpp"

namespace obscura::auth {

std::optional<int> secondsBlocked(const storage::LoginFailures& failures, int limit, std::chrono::seconds window,
                                  std::int64_t nowUs) {
    const std::int64_t windowUs = std::chrono::duration_cast<std::chrono::microseconds>(window).count();
    const std::int64_t endUs = failures.windowStartUs + windowUs;
    if (failures.failures < limit || nowUs >= endUs) return std::nullopt;
    return static_cast<int>((endUs - nowUs + 999'999) / 1'000'000);
}

LoginThrottle::LoginThrottle(storage::Storage& storage, ThrottleLimits limits, const Clock& clock)
    : storage_(storage), limits_(limits), clock_(clock) {}

std::string LoginThrottle::usernameCounter(const std::string& usernameKey) {
    return "user:" + hashSecret(usernameKey).substr(0, 32);
}

std::string LoginThrottle::ipCounter(const std::string& clientIp) {
    return "ip:" + (clientIp.empty() ? std::string("unknown") : clientIp);
}

Status LoginThrottle::check(const std::string& usernameKey, const std::string& clientIp) {
    std::optional<storage::LoginFailures> byUser, byIp;
    OBSCURA_TRY_STATUS(storage_.run([&](storage::Repositories& repos) -> Status {
        OBSCURA_TRY(u, repos.auth().findLoginFailures(usernameCounter(usernameKey)));
        OBSCURA_TRY(i, repos.auth().findLoginFailures(ipCounter(clientIp)));
        byUser = std::move(u);
        byIp = std::move(i);
        return {};
    }));
    const std::int64_t now = clock_.nowUs();
    std::optional<int> wait;
    if (byUser) wait = secondsBlocked(*byUser, limits_.perUsername, limits_.window, now);
    if (byIp) {
        if (auto ipWait = secondsBlocked(*byIp, limits_.perIp, limits_.window, now))
            wait = std::max(wait.value_or(0), *ipWait);
    }
    if (!wait) return {};
    return Error(ErrorCode::RateLimited, "too many failed sign-ins; try again later").retryAfter(*wait);
}

void LoginThrottle::failed(const std::string& usernameKey, const std::string& clientIp) {
    const std::int64_t now = clock_.nowUs();
    const std::int64_t windowUs = std::chrono::duration_cast<std::chrono::microseconds>(limits_.window).count();
    std::int64_t ipFailures = 0;
    auto status = storage_.run([&](storage::Repositories& repos) -> Status {
        OBSCURA_TRY(u, repos.auth().addLoginFailure(usernameCounter(usernameKey), now, windowUs));
        OBSCURA_TRY(i, repos.auth().addLoginFailure(ipCounter(clientIp), now, windowUs));
        (void)u;
        ipFailures = i.failures;
        return {};
    });
    if (!status) {
        log::error("auth: could not count a failed sign-in: " + status.error().message);
        return;
    }
    if (ipFailures == limits_.perIp) {
        log::warn("auth: sign-ins from " + clientIp + " throttled after " + std::to_string(ipFailures) + " failures");
    }
}

void LoginThrottle::succeeded(const std::string& usernameKey) {
    auto status = storage_.run(
        [&](storage::Repositories& repos) { return repos.auth().clearLoginFailures(usernameCounter(usernameKey)); });
    if (!status) log::error("auth: could not clear a sign-in counter: " + status.error().message);
}

Expected<std::int64_t> LoginThrottle::purgeExpired() {
    const std::int64_t cutoff =
        clock_.nowUs() - std::chrono::duration_cast<std::chrono::microseconds>(limits_.window).count();
    std::int64_t purged = 0;
    OBSCURA_TRY_STATUS(storage_.run([&](storage::Repositories& repos) -> Status {
        OBSCURA_TRY(n, repos.auth().purgeLoginFailures(cutoff));
        purged = n;
        return {};
    }));
    return purged;
}

}  // namespace obscura::auth

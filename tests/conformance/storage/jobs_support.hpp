#pragma once
// Helpers the jobs conformance cases share. Times are passed to the repository, so lease expiry is
// simulated by moving `now` rather than by sleeping; each case uses its own job kind, so it holds on a
// shared database too.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "obscura/storage/storage.hpp"

namespace obscura::conformance {

inline constexpr std::int64_t kT0 = 1'700'000'000'000'000;  // 2023-11-14, in microseconds
inline constexpr std::int64_t kLease = 30'000'000;

// "test.<tag>.<random>": a kind no other case or run uses.
std::string uniqueKind(const std::string& tag);

// A valid job of that kind (maxAttempts 3, runAfter as given, createdAt 2024-05-01T12:00:00Z).
storage::NewJob makeJob(const std::string& kind, std::int64_t runAfterUs = kT0);

// One repository call through run(); the call's own Expected is passed through.
template <typename Fn>
auto withJobs(storage::Storage& storage, Fn&& fn) -> decltype(fn(std::declval<storage::JobsRepository&>())) {
    std::optional<decltype(fn(std::declval<storage::JobsRepository&>()))> result;
    Status status = storage.run([&](storage::Repositories& repos) -> Status {
        result.emplace(fn(repos.jobs()));
        return {};
    });
    if (!status) return std::move(status).error();
    return std::move(*result);
}

// These REQUIRE the call to succeed.
storage::JobsRepository::Enqueued enqueue(storage::Storage& storage, const storage::NewJob& job);
std::optional<storage::JobRecord> claim(storage::Storage& storage, const std::string& kind, std::int64_t nowUs,
                                        const std::string& worker = "worker-a", std::int64_t leaseUs = kLease);
// The claimed job's id, "" when nothing was claimed.
std::string claimedId(storage::Storage& storage, const std::string& kind, std::int64_t nowUs,
                      const std::string& worker = "worker-a", std::int64_t leaseUs = kLease);
storage::JobRecord getJob(storage::Storage& storage, const std::string& id);
bool jobExists(storage::Storage& storage, const std::string& id);
// The answer of a fenced call (complete, fail, heartbeat, progress).
bool answer(const Expected<bool>& result);

}  // namespace obscura::conformance

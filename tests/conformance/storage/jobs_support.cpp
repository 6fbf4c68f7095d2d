#include "jobs_support.hpp"

#include <doctest/doctest.h>

#include "conformance_support.hpp"

namespace obscura::conformance {

std::string uniqueKind(const std::string& tag) { return "test." + tag + "." + newUuid().substr(0, 8); }

storage::NewJob makeJob(const std::string& kind, std::int64_t runAfterUs) {
    storage::NewJob job;
    job.id = newUuid();
    job.kind = kind;
    job.payload = R"({"asset":"a1","size":"thumb"})";
    job.ownerId = newUuid();
    job.assetId = newUuid();
    job.maxAttempts = 3;
    job.runAfterUs = runAfterUs;
    job.createdAt = "2024-05-01T12:00:00Z";
    return job;
}

storage::JobsRepository::Enqueued enqueue(storage::Storage& storage, const storage::NewJob& job) {
    auto enqueued = withJobs(storage, [&](storage::JobsRepository& jobs) { return jobs.enqueue(job); });
    REQUIRE_MESSAGE(enqueued.ok(), enqueued.error().message);
    return *enqueued;
}

std::optional<storage::JobRecord> claim(storage::Storage& storage, const std::string& kind, std::int64_t nowUs,
                                        const std::string& worker, std::int64_t leaseUs) {
    auto claimed =
        withJobs(storage, [&](storage::JobsRepository& jobs) { return jobs.claim(kind, worker, nowUs, leaseUs); });
    REQUIRE_MESSAGE(claimed.ok(), claimed.error().message);
    return *claimed;
}

std::string claimedId(storage::Storage& storage, const std::string& kind, std::int64_t nowUs, const std::string& worker,
                      std::int64_t leaseUs) {
    auto claimed = claim(storage, kind, nowUs, worker, leaseUs);
    return claimed ? claimed->id : "";
}

storage::JobRecord getJob(storage::Storage& storage, const std::string& id) {
    auto found = withJobs(storage, [&](storage::JobsRepository& jobs) { return jobs.get(id); });
    REQUIRE_MESSAGE(found.ok(), found.error().message);
    REQUIRE_MESSAGE(found->has_value(), "job " << id << " is missing");
    return **found;
}

bool jobExists(storage::Storage& storage, const std::string& id) {
    auto found = withJobs(storage, [&](storage::JobsRepository& jobs) { return jobs.get(id); });
    REQUIRE_MESSAGE(found.ok(), found.error().message);
    return found->has_value();
}

bool answer(const Expected<bool>& result) {
    REQUIRE_MESSAGE(result.ok(), result.error().message);
    return *result;
}

}  // namespace obscura::conformance

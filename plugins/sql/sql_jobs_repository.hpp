#pragma once
#include "obscura/storage/jobs_repository.hpp"
#include "sql_session.hpp"

namespace obscura::sql {

// The kernel's durable jobs, on one borrowed connection. Multi-statement operations (claim, retryFailed)
// join the caller's transaction when there is one and otherwise run in one of their own. A claim picks its
// job with SELECT … FOR UPDATE SKIP LOCKED (Dialect::skipLocked; SQLite has one writer and needs none), so
// claimers in any number of processes never wait for each other and never take the same job; every UPDATE
// after it re-checks the conditions that made the row a candidate.
//
// Choices the interface leaves open:
// - error keeps the last failure reason through retries and retryFailed (the admin sees why a job was
//   requeued); complete clears it, since a succeeded job has no failure to show.
// - fail with a retry time on the job's last attempt (attempts >= maxAttempts) fails it for good: the
//   attempt limit is the record's, whoever calls.
// - list's afterId must name an existing job (Invalid otherwise); limit is 1..1000.
class SqlJobsRepository final : public storage::JobsRepository {
public:
    static constexpr int kMaxListLimit = 1000;

    explicit SqlJobsRepository(Session& session) : s_(session) {}

    Expected<Enqueued> enqueue(const storage::NewJob& job) override;
    Expected<std::optional<storage::JobRecord>> claim(const std::string& kind, const std::string& worker,
                                                      std::int64_t nowUs, std::int64_t leaseUs) override;
    Expected<bool> heartbeat(const std::string& id, int attempt, std::int64_t nowUs, std::int64_t leaseUs) override;
    Expected<bool> progress(const std::string& id, int attempt, double progress) override;
    Expected<bool> complete(const std::string& id, int attempt, const std::string& result,
                            const std::string& updatedAt) override;
    Expected<bool> fail(const std::string& id, int attempt, const std::string& error,
                        std::optional<std::int64_t> retryAtUs, const std::string& updatedAt) override;
    Expected<std::optional<storage::JobRecord>> get(const std::string& id) override;
    Expected<std::optional<storage::JobRecord>> findJobByDedupeKey(const std::string& kind,
                                                                   const std::string& dedupeKey) override;
    Expected<std::vector<storage::JobRecord>> list(const std::string& state, int limit,
                                                   const std::string& afterId) override;
    Expected<std::int64_t> retryFailed(const std::vector<std::string>& ids, std::int64_t nowUs,
                                       const std::string& updatedAt) override;
    Expected<std::vector<storage::JobCount>> counts() override;
    Expected<std::int64_t> countActive(const std::string& kind) override;
    Expected<bool> settleQueued(const std::string& kind, const std::string& dedupeKey, const std::string& result,
                                const std::string& updatedAt) override;

private:
    Session& s_;
};

}  // namespace obscura::sql

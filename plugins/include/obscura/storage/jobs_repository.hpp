#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "obscura/base/expected.hpp"
#include "obscura/storage/job_records.hpp"

namespace obscura::storage {

// The durable job queue's storage. Enqueue runs inside the caller's transaction (outbox): the job exists
// exactly when the change that caused it committed. Every state change after a claim is fenced by the
// attempt number: a worker whose lease expired and whose job was claimed again cannot complete, fail,
// heartbeat or report progress for it any more (those calls answer false).
class JobsRepository {
public:
    virtual ~JobsRepository() = default;

    // Inserts a queued job. With a dedupeKey already used for this kind, inserts nothing and answers the
    // existing job (created = false), whatever its state.
    struct Enqueued {
        JobRecord job;
        bool created = true;
    };
    virtual Expected<Enqueued> enqueue(const NewJob& job) = 0;

    // Atomically takes the oldest due job of one kind — queued with runAfter <= now, or running with an
    // expired lease (its worker vanished) — sets it running, increments attempts, and leases it to worker
    // until now + leaseUs. A vanished worker's job that already used every attempt is failed instead
    // ("lease expired on the last attempt"). nullopt when nothing is due. Two claimers never get one job.
    virtual Expected<std::optional<JobRecord>> claim(const std::string& kind, const std::string& worker,
                                                     std::int64_t nowUs, std::int64_t leaseUs) = 0;
    // Extends the lease of a job still held at this attempt.
    virtual Expected<bool> heartbeat(const std::string& id, int attempt, std::int64_t nowUs, std::int64_t leaseUs) = 0;
    virtual Expected<bool> progress(const std::string& id, int attempt, double progress) = 0;
    // running → succeeded with its one output.
    virtual Expected<bool> complete(const std::string& id, int attempt, const std::string& result,
                                    const std::string& updatedAt) = 0;
    // running → queued (retryAtUs set: the next attempt waits until then) or → failed (nullopt), with reason.
    virtual Expected<bool> fail(const std::string& id, int attempt, const std::string& error,
                                std::optional<std::int64_t> retryAtUs, const std::string& updatedAt) = 0;

    virtual Expected<std::optional<JobRecord>> get(const std::string& id) = 0;
    // The job enqueued with this dedupe key for this kind, whatever its state (keys are per kind, kept for good);
    // nullopt when there is none or the key is "" (jobs without a key are never found by it). Reads through the
    // (kind, dedupe key) unique index; inside a transaction it sees that transaction's own enqueues.
    virtual Expected<std::optional<JobRecord>> findJobByDedupeKey(const std::string& kind,
                                                                  const std::string& dedupeKey) = 0;
    // Newest first; state "" = any. afterId: keyset cursor (the last id of the previous page).
    virtual Expected<std::vector<JobRecord>> list(const std::string& state, int limit, const std::string& afterId) = 0;
    // failed → queued with attempts reset; ids empty = every failed job. Answers how many were requeued.
    virtual Expected<std::int64_t> retryFailed(const std::vector<std::string>& ids, std::int64_t nowUs,
                                               const std::string& updatedAt) = 0;
    virtual Expected<std::vector<JobCount>> counts() = 0;
    // Jobs of a kind not yet terminal (queued or running): the backlog a bounded kind is measured by.
    virtual Expected<std::int64_t> countActive(const std::string& kind) = 0;

    // --- Replicas (DESIGN §9) ---
    // queued → succeeded with `result` for the job of `kind` with `dedupeKey`, inside the caller's transaction: the
    // caller has made the job unnecessary (an upload whose row commits settles the job that would remove its
    // original if it never did). False when no such job is queued — it is running or done, so the caller must not
    // go ahead as if it had settled it.
    virtual Expected<bool> settleQueued(const std::string& kind, const std::string& dedupeKey,
                                        const std::string& result, const std::string& updatedAt) = 0;
};

}  // namespace obscura::storage

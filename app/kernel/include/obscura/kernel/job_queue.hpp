#pragma once
// Durable jobs (DESIGN.md section 2): stored by the storage plugin, claimed with a lease and an attempt
// number, retried with exponential backoff, then failed with a reason. At least once: a job whose worker
// died runs again once its lease expires, so handlers must be idempotent (write to tmp/, rename into place).
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "obscura/base/expected.hpp"
#include "obscura/storage/job_records.hpp"

namespace obscura {

class Clock;
class Metrics;
namespace storage {
class Storage;
class Repositories;
}  // namespace storage

struct JobKindOptions {
    std::string kind;
    int workers = 1;
    // Bounded kinds (on-demand conversions) refuse new work with 503 + Retry-After once maxActive jobs are
    // queued or running. Unbounded kinds (caused by uploads) are never refused: their backlog is durable.
    bool bounded = false;
    int maxActive = 100;
    int maxAttempts = 5;
    std::chrono::milliseconds baseBackoff{2000};  // attempt n waits base * 2^(n-1), capped, ±20 % jitter
    std::chrono::milliseconds maxBackoff{10 * 60 * 1000};
    std::chrono::milliseconds lease{60 * 1000};    // extended by a heartbeat every lease/3 while running
    std::chrono::milliseconds pollInterval{1000};  // idle workers look for due jobs this often (and on wake())
};

// What a handler sees of its job.
class JobContext {
public:
    virtual ~JobContext() = default;
    virtual const storage::JobRecord& job() const = 0;
    virtual int attempt() const = 0;
    // 0..1; false when this worker no longer holds the job (fenced): stop working.
    virtual bool progress(double fraction) = 0;
    // False once the lease was lost or the queue is stopping.
    virtual bool stillOwned() const = 0;
};

// Returns the job's one output (may be ""); an Error fails this attempt (retried while attempts remain,
// unless the error's code is Invalid or UnsupportedMediaType: bad input will not get better).
using JobHandler = std::function<Expected<std::string>(JobContext&)>;

// Whether an attempt failing with `error` ends its job as failed (no retry follows): the queue's own rule, for
// handlers that announce a final failure themselves.
bool isFinalFailure(const Error& error, int attempt, int maxAttempts);

class JobQueue {
public:
    // Times (leases, backoff, createdAt) come from clock, which must outlive the queue.
    JobQueue(storage::Storage& storage, Metrics& metrics, std::string instanceId, const Clock& clock);
    ~JobQueue();
    JobQueue(const JobQueue&) = delete;
    JobQueue& operator=(const JobQueue&) = delete;

    // Before start() only.
    Status registerKind(JobKindOptions options, JobHandler handler);

    // The outbox: enqueue inside the caller's transaction. Not bounded: use for work caused by uploads. A job
    // without createdAt / runAfterUs gets the clock's now. Static, so a transaction needs no queue at hand.
    static Expected<storage::JobRecord> enqueueIn(storage::Repositories& tx, storage::NewJob job, const Clock& clock);
    // For bounded kinds: refuses with 503 (Retry-After) when the kind's backlog is full; a job with the same
    // dedupeKey is answered as it is (enqueued = false).
    struct Enqueued {
        storage::JobRecord job;
        bool created = true;
    };
    Expected<Enqueued> enqueue(storage::NewJob job);
    // Wakes the kind's idle workers (call after committing an enqueue) so they do not wait for the poll — here and,
    // through the announcer, on the other replicas.
    void wake(const std::string& kind);
    // Wakes this replica's idle workers only: another replica announced the jobs.
    void wakeLocal(const std::string& kind);
    // Before start(): who tells the other replicas (EventRelay::announceJobs); none by default.
    void setAnnouncer(std::function<void(const std::string& kind)> announce);

    void start();
    // Stops claiming and waits for running handlers, which see stillOwned() == false and should return early.
    // A job interrupted that way stays leased; the lease expires and the next claim runs it again. Idempotent.
    void stop();

    const std::string& instanceId() const;
    const Clock& clock() const;

private:
    struct Impl;
    std::shared_ptr<Impl> impl_;
};

}  // namespace obscura

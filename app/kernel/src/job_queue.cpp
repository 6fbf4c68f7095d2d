#include "obscura/kernel/job_queue.hpp"

#include <malloc.h>
#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <condition_variable>
#include <map>
#include <mutex>
#include <random>
#include <thread>

#include "obscura/base/clock.hpp"
#include "obscura/base/rfc3339.hpp"
#include "obscura/kernel/log.hpp"
#include "obscura/kernel/metrics.hpp"
#include "obscura/storage/storage.hpp"

namespace obscura {
namespace {

using storage::JobRecord;
using storage::Repositories;

std::int64_t toUs(std::chrono::milliseconds ms) { return static_cast<std::int64_t>(ms.count()) * 1000; }

// Exponential backoff with ±20 % jitter so a burst of failures does not retry in lockstep.
std::int64_t backoffUs(const JobKindOptions& o, int attempt) {
    double base = static_cast<double>(toUs(o.baseBackoff)) * std::pow(2.0, std::max(0, attempt - 1));
    base = std::min(base, static_cast<double>(toUs(o.maxBackoff)));
    thread_local std::mt19937 gen{std::random_device{}()};
    std::uniform_real_distribution<double> jitter(0.8, 1.2);
    return static_cast<std::int64_t>(base * jitter(gen));
}

// A job being worked on: what the heartbeat thread extends and what fencing revokes.
struct ActiveJob {
    std::string id;
    int attempt = 0;
    std::int64_t leaseUs = 0;
    // When the last successful claim or heartbeat was sent: the stored lease runs at least leaseUs past it.
    std::atomic<std::int64_t> lastBeatUs{0};
    std::atomic<bool> owned{true};
};

// How often the heartbeat thread looks at running jobs: often enough that a lease is renewed well before
// it runs out (every lease/3), however short the configured lease is.
std::chrono::milliseconds heartbeatTick(const std::vector<std::chrono::milliseconds>& leases) {
    std::chrono::milliseconds tick{250};
    for (const auto lease : leases) tick = std::min(tick, lease / 6);
    return std::max(tick, std::chrono::milliseconds{5});
}

class Context final : public JobContext {
public:
    Context(JobRecord job, std::shared_ptr<ActiveJob> active, storage::Storage& storage,
            const std::atomic<bool>& stopping, const Clock& clock)
        : job_(std::move(job)), active_(std::move(active)), storage_(storage), stopping_(stopping), clock_(clock) {}
    const JobRecord& job() const override { return job_; }
    int attempt() const override { return job_.attempts; }
    bool progress(double fraction) override {
        bool held = false;
        auto s = storage_.run([&](Repositories& r) -> Status {
            OBSCURA_TRY(ok, r.jobs().progress(job_.id, job_.attempts, std::clamp(fraction, 0.0, 1.0)));
            held = ok;
            return {};
        });
        if (s && !held) active_->owned = false;
        return stillOwned();
    }
    // Also false once the lease has run out without a successful heartbeat (the database is away): another
    // worker may have claimed the job by now.
    bool stillOwned() const override {
        return active_->owned && !stopping_ && clock_.nowUs() < active_->lastBeatUs + active_->leaseUs;
    }

private:
    JobRecord job_;
    std::shared_ptr<ActiveJob> active_;
    storage::Storage& storage_;
    const std::atomic<bool>& stopping_;
    const Clock& clock_;
};

}  // namespace

struct JobQueue::Impl {
    struct Kind {
        JobKindOptions options;
        JobHandler handler;
        std::mutex mu;
        std::condition_variable wake;
        bool woken = false;
    };

    storage::Storage& storage;
    std::string instanceId;
    const Clock& clock;
    std::map<std::string, std::unique_ptr<Kind>> kinds;
    std::vector<std::thread> threads;
    std::atomic<bool> stopping{false};
    bool started = false;
    std::function<void(const std::string&)> announce;  // other replicas' wake-ups

    std::mutex activeMu;
    std::condition_variable heartbeatWake;
    std::map<std::string, std::shared_ptr<ActiveJob>> active;

    prometheus::Family<prometheus::Counter>& finished;
    prometheus::Family<prometheus::Counter>& claimed;
    prometheus::Family<prometheus::Histogram>& duration;
    prometheus::Family<prometheus::Gauge>& depth;

    Impl(storage::Storage& s, Metrics& m, std::string id, const Clock& c)
        : storage(s),
          instanceId(std::move(id)),
          clock(c),
          finished(prometheus::BuildCounter()
                       .Name("obscura_jobs_finished_total")
                       .Help("Job attempts by kind and outcome (succeeded, failed, retried, fenced)")
                       .Register(m.registry())),
          claimed(prometheus::BuildCounter()
                      .Name("obscura_jobs_claimed_total")
                      .Help("Jobs claimed, by kind")
                      .Register(m.registry())),
          duration(prometheus::BuildHistogram()
                       .Name("obscura_job_duration_seconds")
                       .Help("Time a job attempt ran, by kind")
                       .Register(m.registry())),
          depth(prometheus::BuildGauge()
                    .Name("obscura_jobs")
                    .Help("Jobs by kind and state, refreshed every few seconds")
                    .Register(m.registry())) {}

    void workerLoop(Kind& kind, const std::string& worker) {
        const auto leaseUs = toUs(kind.options.lease);
        bool ranSinceIdle = false;
        while (!stopping) {
            std::optional<JobRecord> job;
            const auto claimedAtUs = clock.nowUs();
            auto s = storage.run([&](Repositories& r) -> Status {
                OBSCURA_TRY(j, r.jobs().claim(kind.options.kind, worker, claimedAtUs, leaseUs));
                job = std::move(j);
                return {};
            });
            if (!s) log::warn("jobs: claim " + kind.options.kind + " failed: " + s.error().message);
            if (!s || !job) {
                if (ranSinceIdle) {
                    // A batch is done. Decoding a photo takes tens of MiB per worker thread (libvips', libjpeg's
                    // buffers) and glibc keeps what is freed in each thread's arena: after 40 photos the server
                    // sat at 300-420 MiB, started at 26 (bench/memory/processing_rss.sh). Given back once per
                    // batch, not per job: a trim of hundreds of MiB takes milliseconds.
                    ::malloc_trim(0);
                    ranSinceIdle = false;
                }
                std::unique_lock lock(kind.mu);
                kind.wake.wait_for(lock, kind.options.pollInterval, [&] { return kind.woken || stopping.load(); });
                kind.woken = false;
                continue;
            }
            claimed.Add({{"kind", kind.options.kind}}).Increment();
            runOne(kind, std::move(*job), claimedAtUs);
            ranSinceIdle = true;
        }
    }

    void runOne(Kind& kind, JobRecord job, std::int64_t claimedAtUs) {
        auto activeJob = std::make_shared<ActiveJob>();
        activeJob->id = job.id;
        activeJob->attempt = job.attempts;
        activeJob->leaseUs = toUs(kind.options.lease);
        activeJob->lastBeatUs = claimedAtUs;
        {
            std::lock_guard lock(activeMu);
            active[job.id] = activeJob;
        }
        const auto id = job.id;
        const int attempt = job.attempts;
        const int maxAttempts = job.maxAttempts;
        Context ctx(std::move(job), activeJob, storage, stopping, clock);
        auto startedAt = std::chrono::steady_clock::now();
        Expected<std::string> result = [&]() -> Expected<std::string> {
            try {
                return kind.handler(ctx);
            } catch (const std::exception& e) {
                return internalError(std::string("job handler threw: ") + e.what());
            } catch (...) {
                return internalError("job handler threw a non-standard exception");
            }
        }();
        duration
            .Add({{"kind", kind.options.kind}},
                 prometheus::Histogram::BucketBoundaries{0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300})
            .Observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - startedAt).count());
        {
            std::lock_guard lock(activeMu);
            active.erase(id);
        }
        finish(kind, id, attempt, maxAttempts, std::move(result), activeJob->owned);
    }

    // maxAttempts is the job record's: the limit the storage enforces too (a kind's maxAttempts is only the
    // default enqueue() gives a job that names none).
    void finish(Kind& kind, const std::string& id, int attempt, int maxAttempts, Expected<std::string> result,
                bool owned) {
        const auto& k = kind.options.kind;
        if (!owned) {
            finished.Add({{"kind", k}, {"outcome", "fenced"}}).Increment();
            log::warn("jobs: " + k + " " + id + " attempt " + std::to_string(attempt) +
                      " lost its lease; its result is discarded");
            return;
        }
        if (!result && stopping) {
            // Interrupted by shutdown: leave it running; the lease expires and the next claim runs it again.
            return;
        }
        bool accepted = false;
        std::string outcome;
        auto s = storage.run([&](Repositories& r) -> Status {
            if (result) {
                outcome = "succeeded";
                OBSCURA_TRY(ok, r.jobs().complete(id, attempt, *result, formatRfc3339(clock.nowUs())));
                accepted = ok;
                return {};
            }
            const auto& err = result.error();
            const bool permanent = isFinalFailure(err, attempt, maxAttempts);
            std::optional<std::int64_t> retryAt;
            if (!permanent) retryAt = clock.nowUs() + backoffUs(kind.options, attempt);
            outcome = permanent ? "failed" : "retried";
            OBSCURA_TRY(ok, r.jobs().fail(id, attempt, err.message, retryAt, formatRfc3339(clock.nowUs())));
            accepted = ok;
            return {};
        });
        if (!s) {
            // The database is away: the lease will expire and the job runs again — at least once.
            log::error("jobs: cannot record the end of " + k + " " + id + ": " + s.error().message);
            return;
        }
        if (!accepted) outcome = "fenced";
        finished.Add({{"kind", k}, {"outcome", outcome}}).Increment();
        if (outcome == "failed" || outcome == "retried")
            log::warn("jobs: " + k + " " + id + " attempt " + std::to_string(attempt) + " " + outcome + ": " +
                      result.error().message);
    }

    // Extends leases of running jobs every lease/3, and refreshes the per-state gauges.
    void heartbeatLoop() {
        std::vector<std::chrono::milliseconds> leases;
        for (const auto& [name, kind] : kinds) leases.push_back(kind->options.lease);
        const auto tick = heartbeatTick(leases);
        auto lastGauge = std::chrono::steady_clock::time_point{};
        while (!stopping) {
            {
                std::unique_lock lock(activeMu);
                heartbeatWake.wait_for(lock, tick, [&] { return stopping.load(); });
            }
            std::vector<std::shared_ptr<ActiveJob>> due;
            auto now = clock.nowUs();
            {
                std::lock_guard lock(activeMu);
                for (auto& [id, a] : active)
                    if (now - a->lastBeatUs >= a->leaseUs / 3) due.push_back(a);
            }
            for (auto& a : due) {
                bool held = true;
                auto s = storage.run([&](Repositories& r) -> Status {
                    OBSCURA_TRY(ok, r.jobs().heartbeat(a->id, a->attempt, clock.nowUs(), a->leaseUs));
                    held = ok;
                    return {};
                });
                if (s) {
                    a->lastBeatUs = now;
                    if (!held) a->owned = false;
                } else {
                    log::warn("jobs: heartbeat for " + a->id + " failed: " + s.error().message);
                }
            }
            if (std::chrono::steady_clock::now() - lastGauge > std::chrono::seconds(5)) {
                lastGauge = std::chrono::steady_clock::now();
                refreshGauges();
            }
        }
    }

    void refreshGauges() {
        std::vector<storage::JobCount> counts;
        auto s = storage.run([&](Repositories& r) -> Status {
            OBSCURA_TRY(c, r.jobs().counts());
            counts = std::move(c);
            return {};
        });
        if (!s) return;
        for (const auto& [name, kind] : kinds)
            for (const char* state :
                 {storage::kJobQueued, storage::kJobRunning, storage::kJobSucceeded, storage::kJobFailed})
                depth.Add({{"kind", name}, {"state", state}}).Set(0);
        for (const auto& c : counts)
            depth.Add({{"kind", c.kind}, {"state", c.state}}).Set(static_cast<double>(c.count));
    }
};

JobQueue::JobQueue(storage::Storage& storage, Metrics& metrics, std::string instanceId, const Clock& clock)
    : impl_(std::make_shared<Impl>(storage, metrics, std::move(instanceId), clock)) {}

JobQueue::~JobQueue() { stop(); }

bool isFinalFailure(const Error& error, int attempt, int maxAttempts) {
    return error.code == ErrorCode::Invalid || error.code == ErrorCode::UnsupportedMediaType || attempt >= maxAttempts;
}

Status JobQueue::registerKind(JobKindOptions options, JobHandler handler) {
    if (impl_->started) return internalError("job kind " + options.kind + " registered after start");
    if (options.kind.empty() || !handler) return invalid("job kind needs a name and a handler");
    if (options.workers < 1 || options.maxAttempts < 1)
        return invalid("job kind " + options.kind + ": workers and maxAttempts must be >= 1");
    if (options.lease.count() < 3 || options.pollInterval.count() < 1 || options.baseBackoff.count() < 0 ||
        options.maxBackoff < options.baseBackoff)
        return invalid("job kind " + options.kind +
                       ": lease must be >= 3 ms, pollInterval >= 1 ms, 0 <= baseBackoff <= maxBackoff");
    if (options.bounded && options.maxActive < 1)
        return invalid("job kind " + options.kind + ": a bounded kind needs maxActive >= 1");
    if (impl_->kinds.count(options.kind)) return conflict("job kind registered twice: " + options.kind);
    auto kind = std::make_unique<Impl::Kind>();
    kind->options = std::move(options);
    kind->handler = std::move(handler);
    impl_->kinds.emplace(kind->options.kind, std::move(kind));
    return {};
}

Expected<storage::JobRecord> JobQueue::enqueueIn(storage::Repositories& tx, storage::NewJob job, const Clock& clock) {
    const std::int64_t now = clock.nowUs();
    if (job.createdAt.empty()) job.createdAt = formatRfc3339(now);
    if (job.runAfterUs == 0) job.runAfterUs = now;
    OBSCURA_TRY(enqueued, tx.jobs().enqueue(job));
    return std::move(enqueued.job);
}

Expected<JobQueue::Enqueued> JobQueue::enqueue(storage::NewJob job) {
    auto it = impl_->kinds.find(job.kind);
    if (it == impl_->kinds.end()) return internalError("no such job kind: " + job.kind);
    const auto& options = it->second->options;
    const std::int64_t now = impl_->clock.nowUs();
    if (job.createdAt.empty()) job.createdAt = formatRfc3339(now);
    if (job.runAfterUs == 0) job.runAfterUs = now;
    if (job.maxAttempts <= 0) job.maxAttempts = options.maxAttempts;
    Enqueued out;
    OBSCURA_TRY_STATUS(impl_->storage.transaction([&](Repositories& r) -> Status {
        if (options.bounded) {
            OBSCURA_TRY(active, r.jobs().countActive(job.kind));
            if (active >= options.maxActive) {
                // An identical request already queued is still answered, even when the queue is full.
                if (!job.dedupeKey.empty()) {
                    OBSCURA_TRY(existing, r.jobs().enqueue(job));
                    if (!existing.created) {
                        out.job = std::move(existing.job);
                        out.created = false;
                        return {};
                    }
                }
                return Error(ErrorCode::Unavailable, "too many " + job.kind + " jobs waiting; try again later")
                    .retryAfter(30);
            }
        }
        OBSCURA_TRY(enqueued, r.jobs().enqueue(job));
        out.job = std::move(enqueued.job);
        out.created = enqueued.created;
        return {};
    }));
    if (out.created) wake(job.kind);
    return out;
}

void JobQueue::wake(const std::string& kind) {
    wakeLocal(kind);
    if (impl_->announce) impl_->announce(kind);
}

void JobQueue::setAnnouncer(std::function<void(const std::string& kind)> announce) {
    impl_->announce = std::move(announce);
}

void JobQueue::wakeLocal(const std::string& kind) {
    auto it = impl_->kinds.find(kind);
    if (it == impl_->kinds.end()) return;
    {
        std::lock_guard lock(it->second->mu);
        it->second->woken = true;
    }
    it->second->wake.notify_one();
}

void JobQueue::start() {
    if (impl_->started) return;
    impl_->started = true;
    for (auto& [name, kind] : impl_->kinds)
        for (int i = 0; i < kind->options.workers; ++i) {
            std::string worker = impl_->instanceId + "/" + name + "/" + std::to_string(i);
            impl_->threads.emplace_back([impl = impl_.get(), k = kind.get(), worker] { impl->workerLoop(*k, worker); });
        }
    impl_->threads.emplace_back([impl = impl_.get()] { impl->heartbeatLoop(); });
}

void JobQueue::stop() {
    if (!impl_->started || impl_->stopping.exchange(true)) return;
    for (auto& [name, kind] : impl_->kinds) {
        std::lock_guard lock(kind->mu);
        kind->wake.notify_all();
    }
    {
        // Under the lock, so the heartbeat thread cannot miss the notification between its check and its wait.
        std::lock_guard lock(impl_->activeMu);
        impl_->heartbeatWake.notify_all();
    }
    // Running handlers see stillOwned() == false and return early (ffmpeg runs are killed by their runner).
    for (auto& t : impl_->threads) t.join();
    impl_->threads.clear();
}

const std::string& JobQueue::instanceId() const { return impl_->instanceId; }

const Clock& JobQueue::clock() const { return impl_->clock; }

}  // namespace obscura

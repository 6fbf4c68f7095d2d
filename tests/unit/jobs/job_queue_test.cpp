// The kernel's JobQueue on a real SQLite storage: success, retry with backoff, permanent failure, handler
// exceptions, lease expiry and reclaim, the attempt fence, heartbeats, bounded kinds, stop() and metrics.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#include "jobs_fixture.hpp"
#include "obscura/base/ids.hpp"

using namespace obscura;
using namespace obscura::jobs_test;
using namespace std::chrono_literals;

namespace {

const auto kSteady = [] { return std::chrono::steady_clock::now(); };

}  // namespace

TEST_SUITE("jobs.queue") {
    TEST_CASE("a job runs once, sees its record, and its output is recorded") {
        JobsFixture f;
        JobQueue queue(*f.storage, f.metrics, "test", f.clock);
        std::atomic<int> calls{0};
        std::string seenPayload;
        int seenAttempt = 0;
        REQUIRE(queue
                    .registerKind(fastKind("test.ok"),
                                  [&](JobContext& ctx) -> Expected<std::string> {
                                      ++calls;
                                      seenPayload = ctx.job().payload;
                                      seenAttempt = ctx.attempt();
                                      CHECK(ctx.stillOwned());
                                      CHECK(ctx.progress(0.5));
                                      return "made " + ctx.job().id;
                                  })
                    .ok());
        queue.start();
        const auto job = f.enqueue("test.ok", R"({"n":7})");
        queue.wake("test.ok");
        REQUIRE(waitUntil([&] { return f.job(job.id).state == storage::kJobSucceeded; }));
        std::this_thread::sleep_for(100ms);  // nothing runs it a second time
        queue.stop();
        const auto done = f.job(job.id);
        CHECK(calls == 1);
        CHECK(seenPayload == R"({"n":7})");
        CHECK(seenAttempt == 1);
        CHECK(done.attempts == 1);
        CHECK(done.result == "made " + job.id);
        CHECK(done.progress == 1);
        CHECK(done.leaseOwner.empty());
        CHECK(f.metric(R"(obscura_jobs_finished_total{kind="test.ok",outcome="succeeded"})") == 1.0);
        CHECK(f.metric(R"(obscura_jobs_claimed_total{kind="test.ok"})") == 1.0);
        CHECK(f.metric(R"(obscura_job_duration_seconds_count{kind="test.ok"})") == 1.0);
        // Queue depth by kind and state, refreshed by the heartbeat thread.
        CHECK(f.metric(R"(obscura_jobs{kind="test.ok",state="queued"})").has_value());
    }

    TEST_CASE("a failing handler is retried with exponential backoff, then failed with its reason") {
        JobsFixture f;
        JobQueue queue(*f.storage, f.metrics, "test", f.clock);
        std::mutex mutex;
        std::vector<std::chrono::steady_clock::time_point> attempts;
        auto options = fastKind("test.flaky");
        options.baseBackoff = 60ms;
        REQUIRE(queue
                    .registerKind(options,
                                  [&](JobContext& ctx) -> Expected<std::string> {
                                      std::lock_guard lock(mutex);
                                      attempts.push_back(kSteady());
                                      return unavailable("disk busy on attempt " + std::to_string(ctx.attempt()));
                                  })
                    .ok());
        queue.start();
        const auto job = f.enqueue("test.flaky", "{}", 3);
        queue.wake("test.flaky");
        REQUIRE(waitUntil([&] { return f.job(job.id).state == storage::kJobFailed; }));
        queue.stop();
        const auto failed = f.job(job.id);
        CHECK(failed.attempts == 3);
        CHECK(failed.error == "disk busy on attempt 3");
        REQUIRE(attempts.size() == 3);
        // base * 2^(n-1) with ±20 % jitter: >= 48 ms, then >= 96 ms.
        CHECK(attempts[1] - attempts[0] >= 48ms);
        CHECK(attempts[2] - attempts[1] >= 96ms);
        CHECK(f.metric(R"(obscura_jobs_finished_total{kind="test.flaky",outcome="retried"})") == 2.0);
        CHECK(f.metric(R"(obscura_jobs_finished_total{kind="test.flaky",outcome="failed"})") == 1.0);
    }

    TEST_CASE("an Invalid error fails the job at once: bad input will not get better") {
        JobsFixture f;
        JobQueue queue(*f.storage, f.metrics, "test", f.clock);
        std::atomic<int> calls{0};
        REQUIRE(queue
                    .registerKind(fastKind("test.bad"),
                                  [&](JobContext&) -> Expected<std::string> {
                                      ++calls;
                                      return invalid("not an image");
                                  })
                    .ok());
        queue.start();
        const auto job = f.enqueue("test.bad", "{}", 5);
        queue.wake("test.bad");
        REQUIRE(waitUntil([&] { return f.job(job.id).state == storage::kJobFailed; }));
        std::this_thread::sleep_for(100ms);
        queue.stop();
        CHECK(calls == 1);
        CHECK(f.job(job.id).attempts == 1);
        CHECK(f.job(job.id).error == "not an image");
    }

    TEST_CASE("a handler that throws fails its attempt and the worker carries on") {
        JobsFixture f;
        JobQueue queue(*f.storage, f.metrics, "test", f.clock);
        auto options = fastKind("test.throws");
        options.workers = 1;  // the same worker thread must survive to run the second job
        REQUIRE(queue
                    .registerKind(options,
                                  [&](JobContext& ctx) -> Expected<std::string> {
                                      if (ctx.job().payload == R"({"explode":true})")
                                          throw std::runtime_error("kaboom");
                                      return std::string("fine");
                                  })
                    .ok());
        const auto bomb = f.enqueue("test.throws", R"({"explode":true})", 1);
        const auto next = f.enqueue("test.throws", R"({"explode":false})", 1);
        queue.start();
        REQUIRE(waitUntil([&] { return f.job(next.id).state == storage::kJobSucceeded; }));
        REQUIRE(waitUntil([&] { return f.job(bomb.id).state == storage::kJobFailed; }));
        queue.stop();
        CHECK(f.job(bomb.id).error.find("kaboom") != std::string::npos);
        CHECK(f.job(next.id).result == "fine");
    }

    TEST_CASE("a worker killed mid-job: the job is claimed again after its lease and finishes once") {
        JobsFixture f;
        const auto job = f.enqueue("test.orphan");
        // The doomed worker: claims with a short lease and is never heard of again.
        const auto claimedAt = f.clock.nowUs();
        auto doomed = f.claimAs("test.orphan", "doomed", claimedAt, 300ms);
        REQUIRE(doomed);
        REQUIRE(doomed->id == job.id);

        JobQueue queue(*f.storage, f.metrics, "test", f.clock);
        std::atomic<int> calls{0};
        std::atomic<std::int64_t> ranAt{0};
        REQUIRE(queue
                    .registerKind(fastKind("test.orphan"),
                                  [&](JobContext& ctx) -> Expected<std::string> {
                                      ++calls;
                                      ranAt = f.clock.nowUs();
                                      return "rescued at attempt " + std::to_string(ctx.attempt());
                                  })
                    .ok());
        queue.start();
        REQUIRE(waitUntil([&] { return f.job(job.id).state == storage::kJobSucceeded; }));
        std::this_thread::sleep_for(100ms);
        queue.stop();
        CHECK(calls == 1);
        CHECK(ranAt >= claimedAt + 300'000);  // not before the doomed worker's lease ran out
        const auto done = f.job(job.id);
        CHECK(done.attempts == 2);
        CHECK(done.result == "rescued at attempt 2");
        // The doomed worker's attempt is fenced off for good.
        CHECK_FALSE(f.complete(job.id, 1, "from beyond"));
        CHECK(f.job(job.id).result == "rescued at attempt 2");
    }

    TEST_CASE("a stale worker's late completion is refused by the attempt fence and counted") {
        JobsFixture f;
        JobQueue queue(*f.storage, f.metrics, "test", f.clock);
        auto options = fastKind("test.stale");
        options.lease = 20s;  // no heartbeat comes before the release: the database alone refuses the result
        std::atomic<bool> entered{false};
        std::atomic<bool> release{false};
        REQUIRE(queue
                    .registerKind(options,
                                  [&](JobContext&) -> Expected<std::string> {
                                      entered = true;
                                      while (!release) std::this_thread::sleep_for(2ms);
                                      return std::string("late");
                                  })
                    .ok());
        queue.start();
        const auto job = f.enqueue("test.stale");
        queue.wake("test.stale");
        REQUIRE(waitUntil([&] { return entered.load(); }));
        // Another worker whose clock is past the lease takes the job over.
        auto thief = f.claimAs("test.stale", "thief", f.clock.nowUs() + 60'000'000, 20s);
        REQUIRE(thief);
        CHECK(thief->attempts == 2);
        release = true;
        REQUIRE(waitUntil(
            [&] { return f.metric(R"(obscura_jobs_finished_total{kind="test.stale",outcome="fenced"})") == 1.0; }));
        queue.stop();
        auto current = f.job(job.id);
        CHECK(current.state == storage::kJobRunning);
        CHECK(current.leaseOwner == "thief");
        CHECK(current.result.empty());
        CHECK(f.complete(job.id, 2, "the thief's"));
        CHECK(f.job(job.id).result == "the thief's");
        CHECK_FALSE(f.metric(R"(obscura_jobs_finished_total{kind="test.stale",outcome="succeeded"})").has_value());
    }

    TEST_CASE("a heartbeat that finds the job taken over tells the handler to stop") {
        JobsFixture f;
        JobQueue queue(*f.storage, f.metrics, "test", f.clock);
        std::atomic<bool> entered{false};
        std::atomic<bool> sawLoss{false};
        auto options = fastKind("test.taken");
        // Heartbeats every 2 s; the local lease estimate alone would only give up 4 s or more after the theft.
        options.lease = 6s;
        REQUIRE(queue
                    .registerKind(options,
                                  [&](JobContext& ctx) -> Expected<std::string> {
                                      entered = true;
                                      const auto deadline = kSteady() + 10s;
                                      while (ctx.stillOwned() && kSteady() < deadline) std::this_thread::sleep_for(2ms);
                                      sawLoss = !ctx.stillOwned();
                                      return std::string("partial");
                                  })
                    .ok());
        queue.start();
        const auto job = f.enqueue("test.taken");
        queue.wake("test.taken");
        REQUIRE(waitUntil([&] { return entered.load(); }));
        REQUIRE(f.claimAs("test.taken", "thief", f.clock.nowUs() + 10'000'000, 20s));
        const auto stolenAt = kSteady();
        REQUIRE(waitUntil(
            [&] { return f.metric(R"(obscura_jobs_finished_total{kind="test.taken",outcome="fenced"})") == 1.0; }));
        // Noticed by the next heartbeat, not by the lease running out.
        CHECK(kSteady() - stolenAt < 3500ms);
        queue.stop();
        CHECK(sawLoss);
        CHECK(f.job(job.id).leaseOwner == "thief");
    }

    TEST_CASE("heartbeats keep a job that runs longer than its lease owned") {
        JobsFixture f;
        JobQueue queue(*f.storage, f.metrics, "test", f.clock);
        std::atomic<bool> entered{false};
        std::atomic<bool> everLost{false};
        auto options = fastKind("test.long");
        options.lease = 450ms;
        REQUIRE(queue
                    .registerKind(options,
                                  [&](JobContext& ctx) -> Expected<std::string> {
                                      entered = true;
                                      const auto until = kSteady() + 1500ms;  // more than three leases
                                      while (kSteady() < until) {
                                          if (!ctx.stillOwned()) everLost = true;
                                          std::this_thread::sleep_for(10ms);
                                      }
                                      return std::string("long done");
                                  })
                    .ok());
        queue.start();
        const auto job = f.enqueue("test.long");
        queue.wake("test.long");
        REQUIRE(waitUntil([&] { return entered.load(); }));
        int thiefAttempts = 0;
        int thiefWins = 0;
        while (f.job(job.id).state == storage::kJobRunning) {
            ++thiefAttempts;
            if (f.claimAs("test.long", "thief", f.clock.nowUs(), 450ms)) ++thiefWins;
            std::this_thread::sleep_for(25ms);
        }
        queue.stop();
        CHECK(thiefAttempts > 20);
        CHECK(thiefWins == 0);
        CHECK_FALSE(everLost);
        const auto done = f.job(job.id);
        CHECK(done.state == storage::kJobSucceeded);
        CHECK(done.attempts == 1);
        CHECK(done.result == "long done");
    }

    TEST_CASE("a bounded kind refuses work beyond maxActive with Unavailable and Retry-After") {
        JobsFixture f;
        JobQueue queue(*f.storage, f.metrics, "test", f.clock);
        auto options = fastKind("test.bounded");
        options.bounded = true;
        options.maxActive = 2;
        REQUIRE(queue.registerKind(options, [](JobContext&) -> Expected<std::string> { return std::string(""); }).ok());
        REQUIRE(queue
                    .registerKind(fastKind("test.unbounded"),
                                  [](JobContext&) -> Expected<std::string> { return std::string(""); })
                    .ok());
        // Not started: nothing drains the backlog.
        const auto make = [](const std::string& kind, const std::string& key) {
            storage::NewJob job;
            job.id = newUuid();
            job.kind = kind;
            job.payload = "{}";
            job.dedupeKey = key;
            return job;
        };
        auto first = queue.enqueue(make("test.bounded", "asset-1:720p"));
        REQUIRE(first.ok());
        CHECK(first->created);
        CHECK(first->job.maxAttempts == 5);  // NewJob's own default; the kind's applies when a job names none
        REQUIRE(queue.enqueue(make("test.bounded", "asset-2:720p")).ok());

        auto full = queue.enqueue(make("test.bounded", "asset-3:720p"));
        REQUIRE_FALSE(full.ok());
        CHECK(full.error().code == ErrorCode::Unavailable);
        REQUIRE(full.error().retryAfterSeconds.has_value());
        CHECK(*full.error().retryAfterSeconds > 0);
        // The same request again is answered even though the queue is full.
        auto duplicate = queue.enqueue(make("test.bounded", "asset-1:720p"));
        REQUIRE(duplicate.ok());
        CHECK_FALSE(duplicate->created);
        CHECK(duplicate->job.id == first->job.id);

        std::int64_t active = -1;
        REQUIRE(f.storage
                    ->run([&](storage::Repositories& repos) -> Status {
                        OBSCURA_TRY(count, repos.jobs().countActive("test.bounded"));
                        active = count;
                        return {};
                    })
                    .ok());
        CHECK(active == 2);  // the refused job left nothing behind

        // Uploads' kinds are never refused: their backlog is durable.
        for (int i = 0; i < 5; ++i) CHECK(queue.enqueue(make("test.unbounded", "")).ok());
        auto unknown = queue.enqueue(make("test.nosuchkind", ""));
        CHECK_FALSE(unknown.ok());
    }

    TEST_CASE("stop() returns while a handler runs; the handler sees stillOwned() false; the job runs again later") {
        JobsFixture f;
        std::string jobId;
        {
            JobQueue queue(*f.storage, f.metrics, "first", f.clock);
            std::atomic<bool> entered{false};
            std::atomic<bool> sawStop{false};
            REQUIRE(queue
                        .registerKind(fastKind("test.stop"),
                                      [&](JobContext& ctx) -> Expected<std::string> {
                                          entered = true;
                                          const auto deadline = kSteady() + 10s;
                                          while (ctx.stillOwned() && kSteady() < deadline)
                                              std::this_thread::sleep_for(2ms);
                                          sawStop = !ctx.stillOwned();
                                          return unavailable("interrupted");
                                      })
                        .ok());
            queue.start();
            jobId = f.enqueue("test.stop").id;
            queue.wake("test.stop");
            REQUIRE(waitUntil([&] { return entered.load(); }));
            const auto before = kSteady();
            queue.stop();
            CHECK(kSteady() - before < 2s);
            CHECK(sawStop);
            queue.stop();  // idempotent
            // Interrupted, not failed: it stays leased until the lease runs out.
            const auto interrupted = f.job(jobId);
            CHECK(interrupted.state == storage::kJobRunning);
            CHECK(interrupted.attempts == 1);
            CHECK(interrupted.error.empty());
        }
        JobQueue next(*f.storage, f.metrics, "second", f.clock);
        REQUIRE(next.registerKind(fastKind("test.stop"),
                                  [](JobContext&) -> Expected<std::string> { return std::string("ok"); })
                    .ok());
        next.start();
        REQUIRE(waitUntil([&] { return f.job(jobId).state == storage::kJobSucceeded; }));
        next.stop();
        CHECK(f.job(jobId).attempts == 2);
    }

    TEST_CASE("registerKind rejects bad options, duplicates, and registration after start") {
        JobsFixture f;
        JobQueue queue(*f.storage, f.metrics, "test", f.clock);
        const JobHandler ok = [](JobContext&) -> Expected<std::string> { return std::string(""); };
        auto noWorkers = fastKind("test.a");
        noWorkers.workers = 0;
        CHECK(queue.registerKind(noWorkers, ok).error().code == ErrorCode::Invalid);
        auto noLease = fastKind("test.a");
        noLease.lease = 0ms;
        CHECK(queue.registerKind(noLease, ok).error().code == ErrorCode::Invalid);
        auto unbounded = fastKind("test.a");
        unbounded.bounded = true;
        unbounded.maxActive = 0;
        CHECK(queue.registerKind(unbounded, ok).error().code == ErrorCode::Invalid);
        CHECK(queue.registerKind(fastKind("test.a"), nullptr).error().code == ErrorCode::Invalid);
        REQUIRE(queue.registerKind(fastKind("test.a"), ok).ok());
        CHECK(queue.registerKind(fastKind("test.a"), ok).error().code == ErrorCode::Conflict);
        queue.start();
        CHECK_FALSE(queue.registerKind(fastKind("test.b"), ok).ok());
        queue.stop();
    }
}

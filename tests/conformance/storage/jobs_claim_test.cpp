// The jobs repository's claims (DESIGN.md section 2): oldest due first, atomic across threads and
// processes, leases that expire, the attempt fence against stale workers, retry and failure.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "backend_context.hpp"
#include "conformance_support.hpp"
#include "jobs_support.hpp"

using namespace obscura;
using namespace obscura::conformance;
using storage::JobRecord;
using storage::JobsRepository;
using storage::NewJob;

TEST_SUITE("conformance.jobs") {
    TEST_CASE("claim takes the oldest due job of its kind and leaves jobs whose runAfter is ahead") {
        forEachBackend([](Backend& backend) {
            auto database = backend.newDatabase();
            auto storage = openMigrated(*database);
            const auto kind = uniqueKind("claim");
            const auto later = makeJob(kind, kT0 + 2'000'000);
            const auto oldest = makeJob(kind, kT0 - 1'000'000);
            const auto middle = makeJob(kind, kT0);
            for (const auto& job : {later, oldest, middle}) enqueue(*storage, job);
            enqueue(*storage, makeJob(uniqueKind("claim_other"), kT0 - 5'000'000));

            auto first = claim(*storage, kind, kT0, "worker-1");
            REQUIRE(first);
            CHECK(first->id == oldest.id);
            CHECK(first->state == storage::kJobRunning);
            CHECK(first->attempts == 1);
            CHECK(first->leaseOwner == "worker-1");
            CHECK(first->leaseExpiresUs == kT0 + kLease);
            CHECK(first->payload == oldest.payload);

            auto second = claim(*storage, kind, kT0, "worker-2");
            REQUIRE(second);
            CHECK(second->id == middle.id);
            CHECK_FALSE(claim(*storage, kind, kT0 + 1'999'999));
            auto third = claim(*storage, kind, kT0 + 2'000'000);
            REQUIRE(third);
            CHECK(third->id == later.id);
            CHECK_FALSE(claim(*storage, kind, kT0 + 3'000'000));
            CHECK(getJob(*storage, oldest.id).state == storage::kJobRunning);
        });
    }

    TEST_CASE("a claim inside a transaction that rolls back leaves the job queued") {
        forEachBackend([](Backend& backend) {
            auto database = backend.newDatabase();
            auto storage = openMigrated(*database);
            const auto kind = uniqueKind("claim_tx");
            const auto job = makeJob(kind);
            enqueue(*storage, job);
            auto status = storage->transaction([&](storage::Repositories& repos) -> Status {
                OBSCURA_TRY(claimed, repos.jobs().claim(kind, "w", kT0, kLease));
                if (!claimed || claimed->id != job.id) return internalError("the job was not claimed");
                return conflict("abandon");
            });
            REQUIRE_FALSE(status.ok());
            CHECK(status.error().code == ErrorCode::Conflict);
            const auto after = getJob(*storage, job.id);
            CHECK(after.state == storage::kJobQueued);
            CHECK(after.attempts == 0);
        });
    }

    TEST_CASE("claimers racing from separate storages and threads take every job exactly once") {
        forEachBackend([](Backend& backend) {
            constexpr int kStorages = 4;  // stand-ins for processes: they share nothing but the database
            constexpr int kThreadsPerStorage = 2;
            constexpr int kJobs = 240;
            auto database = backend.newDatabase();
            auto seed = openMigrated(*database);
            const auto kind = uniqueKind("race");
            std::set<std::string> enqueued;
            REQUIRE(seed->transaction([&](storage::Repositories& repos) -> Status {
                            for (int i = 0; i < kJobs; ++i) {
                                auto job = makeJob(kind, kT0 + i);
                                OBSCURA_TRY(done, repos.jobs().enqueue(job));
                                enqueued.insert(done.job.id);
                            }
                            return {};
                        })
                        .ok());
            std::vector<std::unique_ptr<storage::Storage>> storages;
            for (int i = 0; i < kStorages; ++i) {
                auto opened = database->open(kThreadsPerStorage);
                REQUIRE_MESSAGE(opened.ok(), opened.error().message);
                storages.push_back(std::move(*opened));
            }
            std::mutex mutex;
            std::map<std::string, int> claimedBy;  // job id -> times claimed
            std::vector<std::string> errors;
            std::atomic<bool> go{false};
            std::vector<std::thread> threads;
            for (int s = 0; s < kStorages; ++s) {
                for (int t = 0; t < kThreadsPerStorage; ++t) {
                    threads.emplace_back([&, s, t] {
                        const std::string worker = "w" + std::to_string(s) + "." + std::to_string(t);
                        while (!go.load()) std::this_thread::yield();
                        for (;;) {
                            auto got = withJobs(*storages[s], [&](JobsRepository& jobs) {
                                return jobs.claim(kind, worker, kT0 + kJobs, kLease);
                            });
                            std::lock_guard lock(mutex);
                            if (!got) {
                                errors.push_back(worker + ": " + got.error().message);
                                return;
                            }
                            if (!got->has_value()) return;
                            ++claimedBy[(*got)->id];
                        }
                    });
                }
            }
            const auto start = std::chrono::steady_clock::now();
            go = true;
            for (auto& thread : threads) thread.join();
            const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
            std::fprintf(stderr, "conformance: %s: %d jobs claimed by %d racing threads in %.2f s (%.0f claims/s)\n",
                         backend.name().c_str(), kJobs, kStorages * kThreadsPerStorage, seconds, kJobs / seconds);

            CHECK_MESSAGE(errors.empty(), errors.size() << " errors, first: " << (errors.empty() ? "" : errors[0]));
            CHECK(claimedBy.size() == enqueued.size());
            int twice = 0;
            for (const auto& [id, times] : claimedBy) {
                CHECK(enqueued.count(id) == 1);
                twice += times > 1 ? 1 : 0;
            }
            CHECK(twice == 0);
            for (const auto& id : {*enqueued.begin(), *enqueued.rbegin()})
                CHECK(getJob(*storages[0], id).attempts == 1);
        });
    }

    TEST_CASE("two claimers racing for one job: exactly one gets it, every round") {
        forEachBackend([](Backend& backend) {
            auto database = backend.newDatabase();
            auto a = openMigrated(*database, 1);
            auto b = database->open(1);
            REQUIRE(b.ok());
            const auto kind = uniqueKind("duel");
            for (int round = 0; round < 25; ++round) {
                CAPTURE(round);
                enqueue(*a, makeJob(kind));
                std::atomic<int> ready{0};
                std::optional<JobRecord> gotA, gotB;
                const auto racer = [&](storage::Storage& storage, std::optional<JobRecord>& out, const char* name) {
                    ++ready;
                    while (ready.load() < 2) std::this_thread::yield();
                    auto got =
                        withJobs(storage, [&](JobsRepository& jobs) { return jobs.claim(kind, name, kT0, kLease); });
                    if (got.ok()) out = *got;
                };
                std::thread ta(racer, std::ref(*a), std::ref(gotA), "a");
                std::thread tb(racer, std::ref(**b), std::ref(gotB), "b");
                ta.join();
                tb.join();
                CHECK(gotA.has_value() != gotB.has_value());
            }
        });
    }

    TEST_CASE("an expired lease is claimed again with the next attempt, and the stale worker is fenced off") {
        forEachBackend([](Backend& backend) {
            auto database = backend.newDatabase();
            auto storage = openMigrated(*database);
            const auto kind = uniqueKind("lease");
            const auto job = makeJob(kind);
            enqueue(*storage, job);
            constexpr std::int64_t kShort = 1'000'000;
            REQUIRE(claim(*storage, kind, kT0, "vanishing", kShort));
            CHECK_FALSE(claim(*storage, kind, kT0 + 500'000, "thief", kShort));  // lease still held
            // A heartbeat pushes the expiry on.
            CHECK(answer(
                withJobs(*storage, [&](JobsRepository& j) { return j.heartbeat(job.id, 1, kT0 + 900'000, kShort); })));
            CHECK(getJob(*storage, job.id).leaseExpiresUs == kT0 + 1'900'000);
            CHECK_FALSE(claim(*storage, kind, kT0 + 1'500'000, "thief", kShort));
            CHECK(answer(withJobs(*storage, [&](JobsRepository& j) { return j.progress(job.id, 1, 0.25); })));
            CHECK(getJob(*storage, job.id).progress == doctest::Approx(0.25));

            auto again = claim(*storage, kind, kT0 + 1'900'001, "rescuer", kShort);
            REQUIRE(again);
            CHECK(again->id == job.id);
            CHECK(again->attempts == 2);
            CHECK(again->leaseOwner == "rescuer");
            CHECK(again->progress == 0);

            // Attempt 1 wakes up: every state change it tries is refused.
            const std::string at = "2024-05-01T12:05:00Z";
            CHECK_FALSE(
                answer(withJobs(*storage, [&](JobsRepository& j) { return j.heartbeat(job.id, 1, kT0, kShort); })));
            CHECK_FALSE(answer(withJobs(*storage, [&](JobsRepository& j) { return j.progress(job.id, 1, 0.9); })));
            CHECK_FALSE(
                answer(withJobs(*storage, [&](JobsRepository& j) { return j.complete(job.id, 1, "stale", at); })));
            CHECK_FALSE(
                answer(withJobs(*storage, [&](JobsRepository& j) { return j.fail(job.id, 1, "stale", {}, at); })));
            auto current = getJob(*storage, job.id);
            CHECK(current.state == storage::kJobRunning);
            CHECK(current.attempts == 2);
            CHECK(current.leaseOwner == "rescuer");
            CHECK(current.result.empty());
            CHECK(current.progress == 0);

            CHECK(
                answer(withJobs(*storage, [&](JobsRepository& j) { return j.complete(job.id, 2, "the output", at); })));
            current = getJob(*storage, job.id);
            CHECK(current.state == storage::kJobSucceeded);
            CHECK(current.result == "the output");
            CHECK(current.progress == 1);
            CHECK(current.updatedAt == at);
            CHECK(current.leaseOwner.empty());
            // One terminal state: nothing moves a finished job.
            CHECK_FALSE(
                answer(withJobs(*storage, [&](JobsRepository& j) { return j.complete(job.id, 2, "again", at); })));
            CHECK_FALSE(
                answer(withJobs(*storage, [&](JobsRepository& j) { return j.fail(job.id, 2, "late", {}, at); })));
            CHECK_FALSE(claim(*storage, kind, kT0 + 100 * kLease));
            CHECK(getJob(*storage, job.id).result == "the output");
        });
    }

    TEST_CASE("fail with a retry time requeues the job until then; without one, or on the last attempt, it fails") {
        forEachBackend([](Backend& backend) {
            auto database = backend.newDatabase();
            auto storage = openMigrated(*database);
            const auto kind = uniqueKind("retry");
            auto job = makeJob(kind);
            job.maxAttempts = 2;
            enqueue(*storage, job);
            const std::string at = "2024-05-01T12:05:00Z";
            REQUIRE(claim(*storage, kind, kT0));
            CHECK(answer(withJobs(
                *storage, [&](JobsRepository& j) { return j.fail(job.id, 1, "network down", kT0 + 5'000'000, at); })));
            auto requeued = getJob(*storage, job.id);
            CHECK(requeued.state == storage::kJobQueued);
            CHECK(requeued.error == "network down");
            CHECK(requeued.runAfterUs == kT0 + 5'000'000);
            CHECK(requeued.attempts == 1);
            CHECK(requeued.leaseOwner.empty());
            CHECK_FALSE(claim(*storage, kind, kT0 + 4'999'999));
            auto second = claim(*storage, kind, kT0 + 5'000'000);
            REQUIRE(second);
            CHECK(second->attempts == 2);
            // The last attempt asks for a retry: the record's limit wins.
            CHECK(answer(withJobs(
                *storage, [&](JobsRepository& j) { return j.fail(job.id, 2, "still down", kT0 + 9'000'000, at); })));
            auto failed = getJob(*storage, job.id);
            CHECK(failed.state == storage::kJobFailed);
            CHECK(failed.error == "still down");
            CHECK_FALSE(claim(*storage, kind, kT0 + 100 * kLease));

            const auto terminal = makeJob(kind);
            enqueue(*storage, terminal);
            REQUIRE(claimedId(*storage, kind, kT0) == terminal.id);
            CHECK(answer(withJobs(*storage, [&](JobsRepository& j) {
                return j.fail(terminal.id, 1, "not an image", std::nullopt, at);
            })));
            CHECK(getJob(*storage, terminal.id).state == storage::kJobFailed);
            CHECK(getJob(*storage, terminal.id).error == "not an image");
        });
    }

    TEST_CASE("a vanished worker's job on its last attempt is failed, and claim moves on to the next job") {
        forEachBackend([](Backend& backend) {
            auto database = backend.newDatabase();
            auto storage = openMigrated(*database);
            const auto kind = uniqueKind("last_attempt");
            auto doomed = makeJob(kind, kT0);
            doomed.maxAttempts = 1;
            enqueue(*storage, doomed);
            REQUIRE(claimedId(*storage, kind, kT0, "vanishing", 100) == doomed.id);
            const auto next = makeJob(kind, kT0 + 150);
            enqueue(*storage, next);
            // At kT0 + 200 both are due: the doomed job (lease expired at kT0 + 100) first.
            auto claimed = claim(*storage, kind, kT0 + 200);
            REQUIRE(claimed);
            CHECK(claimed->id == next.id);
            const auto failed = getJob(*storage, doomed.id);
            CHECK(failed.state == storage::kJobFailed);
            CHECK(failed.error == "lease expired on the last attempt");
            CHECK(failed.attempts == 1);

            // Alone, it is failed and nothing is claimed.
            auto alone = makeJob(kind, kT0);
            alone.maxAttempts = 1;
            enqueue(*storage, alone);
            REQUIRE(claimedId(*storage, kind, kT0 + 300, "vanishing", 100) == alone.id);
            CHECK_FALSE(claim(*storage, kind, kT0 + 500));
            CHECK(getJob(*storage, alone.id).state == storage::kJobFailed);
        });
    }

    TEST_CASE("retryFailed requeues failed jobs with their attempts reset, by id or all of them") {
        forEachBackend([](Backend& backend) {
            auto database = backend.newDatabase();
            auto storage = openMigrated(*database);
            const auto kind = uniqueKind("retry_failed");
            const std::string at = "2024-05-01T12:05:00Z";
            std::vector<std::string> failed;
            for (int i = 0; i < 2; ++i) {
                const auto job = makeJob(kind);
                enqueue(*storage, job);
                REQUIRE(claimedId(*storage, kind, kT0) == job.id);
                REQUIRE(
                    answer(withJobs(*storage, [&](JobsRepository& j) { return j.fail(job.id, 1, "broken", {}, at); })));
                failed.push_back(job.id);
            }
            const auto succeeded = makeJob(kind);
            enqueue(*storage, succeeded);
            REQUIRE(claimedId(*storage, kind, kT0) == succeeded.id);
            REQUIRE(
                answer(withJobs(*storage, [&](JobsRepository& j) { return j.complete(succeeded.id, 1, "ok", at); })));

            const auto retry = [&](const std::vector<std::string>& ids) {
                auto count = withJobs(*storage, [&](JobsRepository& j) { return j.retryFailed(ids, kT0 + 7, at); });
                REQUIRE_MESSAGE(count.ok(), count.error().message);
                return *count;
            };
            CHECK(retry({succeeded.id, newUuid()}) == 0);
            CHECK(retry({failed[0]}) == 1);
            const auto requeued = getJob(*storage, failed[0]);
            CHECK(requeued.state == storage::kJobQueued);
            CHECK(requeued.attempts == 0);
            CHECK(requeued.runAfterUs == kT0 + 7);
            CHECK(requeued.error == "broken");  // kept until the next outcome
            CHECK(getJob(*storage, failed[1]).state == storage::kJobFailed);

            const auto all = retry({});
            if (database->fresh()) {
                CHECK(all == 1);
            } else {
                CHECK(all >= 1);
            }
            CHECK(getJob(*storage, failed[1]).state == storage::kJobQueued);
            CHECK(getJob(*storage, succeeded.id).state == storage::kJobSucceeded);
            auto reclaimed = claim(*storage, kind, kT0 + 7);
            REQUIRE(reclaimed);
            CHECK(reclaimed->attempts == 1);
        });
    }
}

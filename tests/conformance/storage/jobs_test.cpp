// The jobs repository's contract (DESIGN.md section 2): outbox enqueue, dedupe, claim with a lease and an
// attempt number, the attempt fence, retry and failure, listing and counts. Times are passed in, so lease
// expiry is simulated by moving `now` rather than by sleeping. Each case uses its own job kind, so it
// holds on a shared database too.
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "backend_context.hpp"
#include "conformance_support.hpp"

using namespace obscura;
using namespace obscura::conformance;
using storage::JobRecord;
using storage::JobsRepository;
using storage::NewJob;

namespace {

constexpr std::int64_t kT0 = 1'700'000'000'000'000;  // 2023-11-14, in microseconds
constexpr std::int64_t kLease = 30'000'000;

std::string uniqueKind(const std::string& tag) { return "test." + tag + "." + newUuid().substr(0, 8); }

NewJob makeJob(const std::string& kind, std::int64_t runAfterUs = kT0) {
    NewJob job;
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

// One repository call through run(); the call's own Expected is passed through.
template <typename Fn>
auto withJobs(storage::Storage& storage, Fn&& fn) -> decltype(fn(std::declval<JobsRepository&>())) {
    std::optional<decltype(fn(std::declval<JobsRepository&>()))> result;
    Status status = storage.run([&](storage::Repositories& repos) -> Status {
        result.emplace(fn(repos.jobs()));
        return {};
    });
    if (!status) return std::move(status).error();
    return std::move(*result);
}

JobsRepository::Enqueued enqueue(storage::Storage& storage, const NewJob& job) {
    auto enqueued = withJobs(storage, [&](JobsRepository& jobs) { return jobs.enqueue(job); });
    REQUIRE_MESSAGE(enqueued.ok(), enqueued.error().message);
    return *enqueued;
}

std::optional<JobRecord> claim(storage::Storage& storage, const std::string& kind, std::int64_t nowUs,
                               const std::string& worker = "worker-a", std::int64_t leaseUs = kLease) {
    auto claimed = withJobs(storage, [&](JobsRepository& jobs) { return jobs.claim(kind, worker, nowUs, leaseUs); });
    REQUIRE_MESSAGE(claimed.ok(), claimed.error().message);
    return *claimed;
}

// The claimed job's id, "" when nothing was claimed.
std::string claimedId(storage::Storage& storage, const std::string& kind, std::int64_t nowUs,
                      const std::string& worker = "worker-a", std::int64_t leaseUs = kLease) {
    auto claimed = claim(storage, kind, nowUs, worker, leaseUs);
    return claimed ? claimed->id : "";
}

JobRecord get(storage::Storage& storage, const std::string& id) {
    auto found = withJobs(storage, [&](JobsRepository& jobs) { return jobs.get(id); });
    REQUIRE_MESSAGE(found.ok(), found.error().message);
    REQUIRE_MESSAGE(found->has_value(), "job " << id << " is missing");
    return **found;
}

bool exists(storage::Storage& storage, const std::string& id) {
    auto found = withJobs(storage, [&](JobsRepository& jobs) { return jobs.get(id); });
    REQUIRE_MESSAGE(found.ok(), found.error().message);
    return found->has_value();
}

bool answer(const Expected<bool>& result) {
    REQUIRE_MESSAGE(result.ok(), result.error().message);
    return *result;
}

}  // namespace

TEST_SUITE("conformance.jobs") {
    TEST_CASE("enqueue stores a queued job with every field; get answers nullopt for an unknown id") {
        forEachBackend([](Backend& backend) {
            auto database = backend.newDatabase();
            auto storage = openMigrated(*database);
            auto job = makeJob(uniqueKind("fields"));
            job.dedupeKey = "thumb:" + job.assetId;
            job.createdAt = "2024-05-01T14:00:00.250+02:00";
            const auto enqueued = enqueue(*storage, job);
            CHECK(enqueued.created);
            for (const JobRecord& stored : {enqueued.job, get(*storage, job.id)}) {
                CHECK(stored.id == job.id);
                CHECK(stored.kind == job.kind);
                CHECK(stored.payload == job.payload);
                CHECK(stored.ownerId == job.ownerId);
                CHECK(stored.assetId == job.assetId);
                CHECK(stored.dedupeKey == job.dedupeKey);
                CHECK(stored.state == storage::kJobQueued);
                CHECK(stored.attempts == 0);
                CHECK(stored.maxAttempts == 3);
                CHECK(stored.runAfterUs == kT0);
                CHECK(stored.leaseOwner.empty());
                CHECK(stored.progress == 0);
                CHECK(stored.error.empty());
                CHECK(stored.result.empty());
                CHECK(stored.createdAt == job.createdAt);  // the text as given, offset kept
                CHECK(stored.updatedAt == job.createdAt);
            }
            auto missing = withJobs(*storage, [&](JobsRepository& jobs) { return jobs.get(newUuid()); });
            REQUIRE(missing.ok());
            CHECK_FALSE(missing->has_value());
        });
    }

    TEST_CASE("a job enqueued in a transaction exists exactly when the transaction commits (outbox)") {
        forEachBackend([](Backend& backend) {
            auto database = backend.newDatabase();
            auto storage = openMigrated(*database);
            const auto kind = uniqueKind("outbox");
            const auto lostUser = makeUser("outbox_lost");
            const auto lostJob = makeJob(kind);
            auto rolledBack = storage->transaction([&](storage::Repositories& repos) -> Status {
                OBSCURA_TRY_STATUS(repos.auth().createUser(lostUser));
                OBSCURA_TRY(enqueued, repos.jobs().enqueue(lostJob));
                if (!enqueued.created) return internalError("not created");
                return conflict("the caller changed its mind");
            });
            REQUIRE_FALSE(rolledBack.ok());
            CHECK(rolledBack.error().code == ErrorCode::Conflict);
            CHECK_FALSE(exists(*storage, lostJob.id));
            CHECK_FALSE(findUserById(*storage, lostUser.id)->has_value());

            const auto keptUser = makeUser("outbox_kept");
            const auto keptJob = makeJob(kind);
            auto committed = storage->transaction([&](storage::Repositories& repos) -> Status {
                OBSCURA_TRY_STATUS(repos.auth().createUser(keptUser));
                OBSCURA_TRY(enqueued, repos.jobs().enqueue(keptJob));
                return {};
            });
            REQUIRE_MESSAGE(committed.ok(), committed.error().message);
            CHECK(exists(*storage, keptJob.id));
            CHECK(findUserById(*storage, keptUser.id)->has_value());
            CHECK(claimedId(*storage, kind, kT0) == keptJob.id);
        });
    }

    TEST_CASE("a dedupe key answers the existing job of its kind, whatever its state") {
        forEachBackend([](Backend& backend) {
            auto database = backend.newDatabase();
            auto storage = openMigrated(*database);
            const auto kind = uniqueKind("dedupe");
            auto first = makeJob(kind);
            first.dedupeKey = "asset:" + first.assetId;
            REQUIRE(enqueue(*storage, first).created);

            auto again = makeJob(kind);
            again.dedupeKey = first.dedupeKey;
            auto answered = enqueue(*storage, again);
            CHECK_FALSE(answered.created);
            CHECK(answered.job.id == first.id);
            CHECK_FALSE(exists(*storage, again.id));

            // Still answered once the first job has finished: at most one job per key, ever.
            auto claimed = claim(*storage, kind, kT0);
            REQUIRE(claimed);
            REQUIRE(answer(withJobs(*storage, [&](JobsRepository& jobs) {
                return jobs.complete(first.id, 1, "done", "2024-05-01T12:01:00Z");
            })));
            again.id = newUuid();
            answered = enqueue(*storage, again);
            CHECK_FALSE(answered.created);
            CHECK(answered.job.state == storage::kJobSucceeded);

            // Keys are per kind, and jobs without a key are never deduplicated.
            auto otherKind = makeJob(uniqueKind("dedupe_other"));
            otherKind.dedupeKey = first.dedupeKey;
            CHECK(enqueue(*storage, otherKind).created);
            CHECK(enqueue(*storage, makeJob(kind)).created);
            CHECK(enqueue(*storage, makeJob(kind)).created);
        });
    }

    TEST_CASE("threads enqueueing one dedupe key at once create exactly one job") {
        forEachBackend([](Backend& backend) {
            auto database = backend.newDatabase();
            auto storage = openMigrated(*database);
            const auto kind = uniqueKind("dedupe_race");
            const std::string key = "key-" + newUuid();
            constexpr int kThreads = 8;
            std::vector<std::optional<Expected<JobsRepository::Enqueued>>> results(kThreads);
            std::atomic<bool> go{false};
            std::vector<std::thread> threads;
            for (int i = 0; i < kThreads; ++i) {
                threads.emplace_back([&, i] {
                    auto job = makeJob(kind);
                    job.dedupeKey = key;
                    while (!go.load()) std::this_thread::yield();
                    results[i].emplace(withJobs(*storage, [&](JobsRepository& jobs) { return jobs.enqueue(job); }));
                });
            }
            go = true;
            for (auto& t : threads) t.join();
            int created = 0;
            std::set<std::string> ids;
            for (const auto& result : results) {
                REQUIRE_MESSAGE(result->ok(), result->error().message);
                created += (*result)->created ? 1 : 0;
                ids.insert((*result)->job.id);
            }
            CHECK(created == 1);
            CHECK(ids.size() == 1);
        });
    }

    TEST_CASE("bad jobs are Invalid and a reused id is a Conflict") {
        forEachBackend([](Backend& backend) {
            auto database = backend.newDatabase();
            auto storage = openMigrated(*database);
            const auto kind = uniqueKind("invalid");
            const auto rejected = [&](NewJob job, const std::string& mention) {
                CAPTURE(mention);
                auto result = withJobs(*storage, [&](JobsRepository& jobs) { return jobs.enqueue(job); });
                REQUIRE_FALSE(result.ok());
                CHECK(result.error().code == ErrorCode::Invalid);
                CHECK(result.error().message.find(mention) != std::string::npos);
            };
            auto noId = makeJob(kind);
            noId.id.clear();
            rejected(noId, "id");
            auto noKind = makeJob(kind);
            noKind.kind.clear();
            rejected(noKind, "kind");
            auto noAttempts = makeJob(kind);
            noAttempts.maxAttempts = 0;
            rejected(noAttempts, "maxAttempts");
            auto badTime = makeJob(kind);
            badTime.createdAt = "2024-02-30T12:00:00Z";
            rejected(badTime, "createdAt");
            auto badPayload = makeJob(kind);
            badPayload.payload = "{not json";
            rejected(badPayload, "JSON");

            const auto job = makeJob(kind);
            REQUIRE(enqueue(*storage, job).created);
            auto reused = makeJob(kind);
            reused.id = job.id;
            auto clash = withJobs(*storage, [&](JobsRepository& jobs) { return jobs.enqueue(reused); });
            REQUIRE_FALSE(clash.ok());
            CHECK(clash.error().code == ErrorCode::Conflict);

            auto badClaim = withJobs(*storage, [&](JobsRepository& jobs) { return jobs.claim(kind, "w", kT0, 0); });
            REQUIRE_FALSE(badClaim.ok());
            CHECK(badClaim.error().code == ErrorCode::Invalid);
        });
    }

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
            CHECK(get(*storage, oldest.id).state == storage::kJobRunning);
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
            const auto after = get(*storage, job.id);
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
            for (const auto& id : {*enqueued.begin(), *enqueued.rbegin()}) CHECK(get(*storages[0], id).attempts == 1);
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
                    auto got = withJobs(storage, [&](JobsRepository& jobs) { return jobs.claim(kind, name, kT0, kLease); });
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
            CHECK(answer(withJobs(*storage, [&](JobsRepository& j) { return j.heartbeat(job.id, 1, kT0 + 900'000, kShort); })));
            CHECK(get(*storage, job.id).leaseExpiresUs == kT0 + 1'900'000);
            CHECK_FALSE(claim(*storage, kind, kT0 + 1'500'000, "thief", kShort));
            CHECK(answer(withJobs(*storage, [&](JobsRepository& j) { return j.progress(job.id, 1, 0.25); })));
            CHECK(get(*storage, job.id).progress == doctest::Approx(0.25));

            auto again = claim(*storage, kind, kT0 + 1'900'001, "rescuer", kShort);
            REQUIRE(again);
            CHECK(again->id == job.id);
            CHECK(again->attempts == 2);
            CHECK(again->leaseOwner == "rescuer");
            CHECK(again->progress == 0);

            // Attempt 1 wakes up: every state change it tries is refused.
            const std::string at = "2024-05-01T12:05:00Z";
            CHECK_FALSE(answer(withJobs(*storage, [&](JobsRepository& j) { return j.heartbeat(job.id, 1, kT0, kShort); })));
            CHECK_FALSE(answer(withJobs(*storage, [&](JobsRepository& j) { return j.progress(job.id, 1, 0.9); })));
            CHECK_FALSE(answer(withJobs(*storage, [&](JobsRepository& j) { return j.complete(job.id, 1, "stale", at); })));
            CHECK_FALSE(answer(withJobs(*storage, [&](JobsRepository& j) { return j.fail(job.id, 1, "stale", {}, at); })));
            auto current = get(*storage, job.id);
            CHECK(current.state == storage::kJobRunning);
            CHECK(current.attempts == 2);
            CHECK(current.leaseOwner == "rescuer");
            CHECK(current.result.empty());
            CHECK(current.progress == 0);

            CHECK(answer(withJobs(*storage, [&](JobsRepository& j) { return j.complete(job.id, 2, "the output", at); })));
            current = get(*storage, job.id);
            CHECK(current.state == storage::kJobSucceeded);
            CHECK(current.result == "the output");
            CHECK(current.progress == 1);
            CHECK(current.updatedAt == at);
            CHECK(current.leaseOwner.empty());
            // One terminal state: nothing moves a finished job.
            CHECK_FALSE(answer(withJobs(*storage, [&](JobsRepository& j) { return j.complete(job.id, 2, "again", at); })));
            CHECK_FALSE(answer(withJobs(*storage, [&](JobsRepository& j) { return j.fail(job.id, 2, "late", {}, at); })));
            CHECK_FALSE(claim(*storage, kind, kT0 + 100 * kLease));
            CHECK(get(*storage, job.id).result == "the output");
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
            CHECK(answer(withJobs(*storage, [&](JobsRepository& j) {
                return j.fail(job.id, 1, "network down", kT0 + 5'000'000, at);
            })));
            auto requeued = get(*storage, job.id);
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
            CHECK(answer(withJobs(*storage, [&](JobsRepository& j) {
                return j.fail(job.id, 2, "still down", kT0 + 9'000'000, at);
            })));
            auto failed = get(*storage, job.id);
            CHECK(failed.state == storage::kJobFailed);
            CHECK(failed.error == "still down");
            CHECK_FALSE(claim(*storage, kind, kT0 + 100 * kLease));

            const auto terminal = makeJob(kind);
            enqueue(*storage, terminal);
            REQUIRE(claimedId(*storage, kind, kT0) == terminal.id);
            CHECK(answer(withJobs(*storage, [&](JobsRepository& j) {
                return j.fail(terminal.id, 1, "not an image", std::nullopt, at);
            })));
            CHECK(get(*storage, terminal.id).state == storage::kJobFailed);
            CHECK(get(*storage, terminal.id).error == "not an image");
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
            const auto failed = get(*storage, doomed.id);
            CHECK(failed.state == storage::kJobFailed);
            CHECK(failed.error == "lease expired on the last attempt");
            CHECK(failed.attempts == 1);

            // Alone, it is failed and nothing is claimed.
            auto alone = makeJob(kind, kT0);
            alone.maxAttempts = 1;
            enqueue(*storage, alone);
            REQUIRE(claimedId(*storage, kind, kT0 + 300, "vanishing", 100) == alone.id);
            CHECK_FALSE(claim(*storage, kind, kT0 + 500));
            CHECK(get(*storage, alone.id).state == storage::kJobFailed);
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
                REQUIRE(answer(withJobs(*storage, [&](JobsRepository& j) { return j.fail(job.id, 1, "broken", {}, at); })));
                failed.push_back(job.id);
            }
            const auto succeeded = makeJob(kind);
            enqueue(*storage, succeeded);
            REQUIRE(claimedId(*storage, kind, kT0) == succeeded.id);
            REQUIRE(answer(withJobs(*storage, [&](JobsRepository& j) { return j.complete(succeeded.id, 1, "ok", at); })));

            const auto retry = [&](const std::vector<std::string>& ids) {
                auto count = withJobs(*storage, [&](JobsRepository& j) { return j.retryFailed(ids, kT0 + 7, at); });
                REQUIRE_MESSAGE(count.ok(), count.error().message);
                return *count;
            };
            CHECK(retry({succeeded.id, newUuid()}) == 0);
            CHECK(retry({failed[0]}) == 1);
            const auto requeued = get(*storage, failed[0]);
            CHECK(requeued.state == storage::kJobQueued);
            CHECK(requeued.attempts == 0);
            CHECK(requeued.runAfterUs == kT0 + 7);
            CHECK(requeued.error == "broken");  // kept until the next outcome
            CHECK(get(*storage, failed[1]).state == storage::kJobFailed);

            const auto all = retry({});
            if (database->fresh()) {
                CHECK(all == 1);
            } else {
                CHECK(all >= 1);
            }
            CHECK(get(*storage, failed[1]).state == storage::kJobQueued);
            CHECK(get(*storage, succeeded.id).state == storage::kJobSucceeded);
            auto reclaimed = claim(*storage, kind, kT0 + 7);
            REQUIRE(reclaimed);
            CHECK(reclaimed->attempts == 1);
        });
    }

    TEST_CASE("list pages newest first by the instant of createdAt, with a keyset cursor and a state filter") {
        forEachBackend([](Backend& backend) {
            auto database = backend.newDatabase();
            auto storage = openMigrated(*database);
            const auto kind = uniqueKind("list");
            // Far in the future, so on a shared database these are the newest jobs. Offsets differ, so the
            // text order is not the time order: 13:00+02:00 is 11:00Z, before 12:00Z.
            const std::vector<std::string> times = {
                "2999-01-01T10:00:00Z",      "2999-01-01T13:00:00+02:00", "2999-01-01T12:00:00Z",
                "2999-01-01T12:00:00Z",      "2999-01-01T12:30:00.5Z",    "2999-01-01T08:00:00-05:00",
                "2999-01-01T12:30:00.25Z",
            };
            std::vector<std::pair<std::string, std::string>> expected;  // (instant order key, id)
            const std::vector<int> rank = {0, 1, 2, 2, 4, 5, 3};  // 08:00-05:00 is 13:00Z, the newest
            std::vector<NewJob> jobs;
            for (std::size_t i = 0; i < times.size(); ++i) {
                auto job = makeJob(kind);
                job.createdAt = times[i];
                enqueue(*storage, job);
                jobs.push_back(job);
                expected.emplace_back(std::to_string(rank[i]), job.id);
            }
            // Newest first; equal instants by id, descending.
            std::sort(expected.rbegin(), expected.rend());

            // A shared database holds earlier runs' jobs at the same instants: there, only ours are compared.
            const int pageSize = database->fresh() ? 3 : 50;
            std::vector<std::string> seen;
            std::string cursor;
            for (;;) {
                auto listed = withJobs(*storage, [&](JobsRepository& j) { return j.list("", pageSize, cursor); });
                REQUIRE_MESSAGE(listed.ok(), listed.error().message);
                CHECK(listed->size() <= static_cast<std::size_t>(pageSize));
                for (const auto& job : *listed) {
                    if (job.kind == kind) seen.push_back(job.id);
                }
                if (listed->size() < static_cast<std::size_t>(pageSize) || seen.size() >= expected.size()) break;
                cursor = listed->back().id;
            }
            REQUIRE(seen.size() == expected.size());
            for (std::size_t i = 0; i < expected.size(); ++i) {
                CAPTURE(i);
                CHECK(seen[i] == expected[i].second);
            }

            // The state filter: the one running job of these.
            auto running = claim(*storage, kind, kT0);
            REQUIRE(running);
            auto listed = withJobs(*storage, [&](JobsRepository& j) { return j.list(storage::kJobRunning, 1000, ""); });
            REQUIRE(listed.ok());
            std::size_t mine = 0;
            for (const auto& job : *listed) {
                CHECK(job.state == storage::kJobRunning);
                mine += job.kind == kind ? 1 : 0;
            }
            CHECK(mine == 1);

            for (const auto& [state, limit, after] : std::vector<std::tuple<std::string, int, std::string>>{
                     {"bogus", 10, ""}, {"", 0, ""}, {"", 1001, ""}, {"", 10, newUuid()}}) {
                auto bad = withJobs(*storage, [&](JobsRepository& j) { return j.list(state, limit, after); });
                REQUIRE_FALSE(bad.ok());
                CHECK(bad.error().code == ErrorCode::Invalid);
            }
        });
    }

    TEST_CASE("counts group by kind and state; countActive counts queued and running jobs of one kind") {
        forEachBackend([](Backend& backend) {
            auto database = backend.newDatabase();
            auto storage = openMigrated(*database);
            const auto kind = uniqueKind("counts");
            const std::string at = "2024-05-01T12:05:00Z";
            for (int i = 0; i < 5; ++i) enqueue(*storage, makeJob(kind, kT0 + i));
            auto a = claim(*storage, kind, kT0 + 10);
            auto b = claim(*storage, kind, kT0 + 10);
            auto c = claim(*storage, kind, kT0 + 10);
            REQUIRE((a && b && c));
            REQUIRE(answer(withJobs(*storage, [&](JobsRepository& j) { return j.complete(a->id, 1, "", at); })));
            REQUIRE(answer(withJobs(*storage, [&](JobsRepository& j) { return j.fail(b->id, 1, "x", {}, at); })));

            auto counts = withJobs(*storage, [](JobsRepository& j) { return j.counts(); });
            REQUIRE(counts.ok());
            std::map<std::string, std::int64_t> byState;
            for (const auto& count : *counts) {
                if (count.kind == kind) byState[count.state] += count.count;
            }
            CHECK(byState == std::map<std::string, std::int64_t>{
                                 {"failed", 1}, {"queued", 2}, {"running", 1}, {"succeeded", 1}});
            auto active = withJobs(*storage, [&](JobsRepository& j) { return j.countActive(kind); });
            REQUIRE(active.ok());
            CHECK(*active == 3);
            auto none = withJobs(*storage, [&](JobsRepository& j) { return j.countActive(uniqueKind("empty")); });
            REQUIRE(none.ok());
            CHECK(*none == 0);
        });
    }

    TEST_CASE("progress outside 0..1 and an attempt that was never claimed are Invalid") {
        forEachBackend([](Backend& backend) {
            auto database = backend.newDatabase();
            auto storage = openMigrated(*database);
            const auto kind = uniqueKind("progress");
            const auto job = makeJob(kind);
            enqueue(*storage, job);
            REQUIRE(claim(*storage, kind, kT0));
            for (double bad : {-0.1, 1.5}) {
                auto result = withJobs(*storage, [&](JobsRepository& j) { return j.progress(job.id, 1, bad); });
                REQUIRE_FALSE(result.ok());
                CHECK(result.error().code == ErrorCode::Invalid);
            }
            auto never = withJobs(*storage, [&](JobsRepository& j) { return j.complete(job.id, 0, "", "2024-05-01T12:00:00Z"); });
            REQUIRE_FALSE(never.ok());
            CHECK(never.error().code == ErrorCode::Invalid);
            CHECK(answer(withJobs(*storage, [&](JobsRepository& j) { return j.progress(job.id, 1, 1.0); })));
        });
    }
}

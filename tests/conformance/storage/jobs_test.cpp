// The jobs repository's contract, outside claiming (DESIGN.md section 2): outbox enqueue, dedupe, bad input,
// listing and counts. Claims, leases and the attempt fence are in jobs_claim_test.cpp.
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <set>
#include <thread>
#include <tuple>
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
    TEST_CASE("enqueue stores a queued job with every field; get answers nullopt for an unknown id") {
        forEachBackend([](Backend& backend) {
            auto database = backend.newDatabase();
            auto storage = openMigrated(*database);
            auto job = makeJob(uniqueKind("fields"));
            job.dedupeKey = "thumb:" + job.assetId;
            job.createdAt = "2024-05-01T14:00:00.250+02:00";
            const auto enqueued = enqueue(*storage, job);
            CHECK(enqueued.created);
            for (const JobRecord& stored : {enqueued.job, getJob(*storage, job.id)}) {
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
            CHECK_FALSE(jobExists(*storage, lostJob.id));
            CHECK_FALSE(findUserById(*storage, lostUser.id)->has_value());

            const auto keptUser = makeUser("outbox_kept");
            const auto keptJob = makeJob(kind);
            auto committed = storage->transaction([&](storage::Repositories& repos) -> Status {
                OBSCURA_TRY_STATUS(repos.auth().createUser(keptUser));
                OBSCURA_TRY(enqueued, repos.jobs().enqueue(keptJob));
                return {};
            });
            REQUIRE_MESSAGE(committed.ok(), committed.error().message);
            CHECK(jobExists(*storage, keptJob.id));
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
            CHECK_FALSE(jobExists(*storage, again.id));

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

    TEST_CASE("findJobByDedupeKey finds the job of that kind and key, in any state; nothing for another kind or key") {
        forEachBackend([](Backend& backend) {
            auto database = backend.newDatabase();
            auto storage = openMigrated(*database);
            const auto kind = uniqueKind("find_key");
            auto job = makeJob(kind);
            job.dedupeKey = "asset:" + job.assetId;
            REQUIRE(enqueue(*storage, job).created);
            const auto find = [&](const std::string& k, const std::string& key) {
                auto found = withJobs(*storage, [&](JobsRepository& jobs) { return jobs.findJobByDedupeKey(k, key); });
                REQUIRE_MESSAGE(found.ok(), found.error().message);
                return *found;
            };

            auto found = find(kind, job.dedupeKey);
            REQUIRE(found.has_value());
            CHECK(found->id == job.id);
            CHECK(found->kind == kind);
            CHECK(found->dedupeKey == job.dedupeKey);
            CHECK(found->state == storage::kJobQueued);

            // Absent: an unknown key and the same key under another kind.
            CHECK_FALSE(find(kind, "asset:" + newUuid()).has_value());
            CHECK_FALSE(find(uniqueKind("find_key_other"), job.dedupeKey).has_value());

            // Still found once the job is over: keys are kept for good.
            REQUIRE(claimedId(*storage, kind, kT0) == job.id);
            REQUIRE(answer(withJobs(*storage, [&](JobsRepository& jobs) {
                return jobs.fail(job.id, 1, "gave up", std::nullopt, "2024-05-01T12:01:00Z");
            })));
            found = find(kind, job.dedupeKey);
            REQUIRE(found.has_value());
            CHECK(found->id == job.id);
            CHECK(found->state == storage::kJobFailed);

            // "" is no key: not found, even with keyless jobs of this kind stored.
            REQUIRE(enqueue(*storage, makeJob(kind)).created);
            CHECK_FALSE(find(kind, "").has_value());
        });
    }

    TEST_CASE("findJobByDedupeKey inside a transaction sees its own enqueue; after a rollback there is nothing") {
        forEachBackend([](Backend& backend) {
            auto database = backend.newDatabase();
            auto storage = openMigrated(*database);
            const auto kind = uniqueKind("find_key_tx");
            auto job = makeJob(kind);
            job.dedupeKey = "k-" + newUuid();
            bool seenInside = false;
            auto rolledBack = storage->transaction([&](storage::Repositories& tx) -> Status {
                OBSCURA_TRY_STATUS(tx.jobs().enqueue(job));
                OBSCURA_TRY(inside, tx.jobs().findJobByDedupeKey(kind, job.dedupeKey));
                seenInside = inside.has_value() && inside->id == job.id;
                return conflict("rolled back on purpose");
            });
            REQUIRE_FALSE(rolledBack.ok());
            CHECK(seenInside);
            auto after =
                withJobs(*storage, [&](JobsRepository& jobs) { return jobs.findJobByDedupeKey(kind, job.dedupeKey); });
            REQUIRE(after.ok());
            CHECK_FALSE(after->has_value());
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

    TEST_CASE("list pages newest first by the instant of createdAt, with a keyset cursor and a state filter") {
        forEachBackend([](Backend& backend) {
            auto database = backend.newDatabase();
            auto storage = openMigrated(*database);
            const auto kind = uniqueKind("list");
            // Far in the future, so on a shared database these are the newest jobs. Offsets differ, so the
            // text order is not the time order: 13:00+02:00 is 11:00Z, before 12:00Z.
            const std::vector<std::string> times = {
                "2999-01-01T10:00:00Z",    "2999-01-01T13:00:00+02:00", "2999-01-01T12:00:00Z",
                "2999-01-01T12:00:00Z",    "2999-01-01T12:30:00.5Z",    "2999-01-01T08:00:00-05:00",
                "2999-01-01T12:30:00.25Z",
            };
            std::vector<std::pair<std::string, std::string>> expected;  // (instant order key, id)
            const std::vector<int> rank = {0, 1, 2, 2, 4, 5, 3};        // 08:00-05:00 is 13:00Z, the newest
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
            CHECK(byState ==
                  std::map<std::string, std::int64_t>{{"failed", 1}, {"queued", 2}, {"running", 1}, {"succeeded", 1}});
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
            auto never = withJobs(*storage,
                                  [&](JobsRepository& j) { return j.complete(job.id, 0, "", "2024-05-01T12:00:00Z"); });
            REQUIRE_FALSE(never.ok());
            CHECK(never.error().code == ErrorCode::Invalid);
            CHECK(answer(withJobs(*storage, [&](JobsRepository& j) { return j.progress(job.id, 1, 1.0); })));
        });
    }
}

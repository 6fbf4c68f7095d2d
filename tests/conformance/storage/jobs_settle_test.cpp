// settleQueued (DESIGN §9): a caller that made a queued job unnecessary settles it in its own transaction — only
// while it is still queued, so a job a worker already claimed is never settled under it.
#include <doctest/doctest.h>

#include "backend_context.hpp"
#include "conformance_support.hpp"
#include "jobs_support.hpp"

using namespace obscura;
using namespace obscura::conformance;
using storage::JobsRepository;

TEST_SUITE("conformance.jobs") {
    TEST_CASE("settleQueued turns the queued job of a kind and key into succeeded, and only that one") {
        forEachBackend([](Backend& backend) {
            auto database = backend.newDatabase();
            auto storage = openMigrated(*database);
            const auto kind = uniqueKind("settle");
            auto job = makeJob(kind, kT0 + 3'600'000'000);  // due in an hour
            job.dedupeKey = "asset-" + newUuid();
            auto other = makeJob(kind);
            other.dedupeKey = "asset-" + newUuid();
            enqueue(*storage, job);
            enqueue(*storage, other);
            auto settled = withJobs(*storage, [&](JobsRepository& jobs) {
                return jobs.settleQueued(kind, job.dedupeKey, "committed", "2024-05-01T12:00:01Z");
            });
            REQUIRE(settled.ok());
            CHECK(*settled);
            const auto stored = getJob(*storage, job.id);
            CHECK(stored.state == storage::kJobSucceeded);
            CHECK(stored.result == "committed");
            CHECK(stored.updatedAt == "2024-05-01T12:00:01Z");
            CHECK(getJob(*storage, other.id).state == storage::kJobQueued);
            // A settled job is not claimed, and settling it again answers false.
            CHECK(claimedId(*storage, kind, kT0 + 7'200'000'000) == other.id);
            auto again = withJobs(*storage, [&](JobsRepository& jobs) {
                return jobs.settleQueued(kind, job.dedupeKey, "again", "2024-05-01T12:00:02Z");
            });
            REQUIRE(again.ok());
            CHECK_FALSE(*again);
            // Another kind with the same key, an unknown key and the empty key settle nothing.
            for (const auto& [k, key] : std::vector<std::pair<std::string, std::string>>{
                     {uniqueKind("settle_other"), job.dedupeKey}, {kind, "no-such-key"}, {kind, ""}}) {
                auto none = withJobs(*storage, [&](JobsRepository& jobs) {
                    return jobs.settleQueued(k, key, "x", "2024-05-01T12:00:03Z");
                });
                REQUIRE(none.ok());
                CHECK_FALSE(*none);
            }
        });
    }

    TEST_CASE("settleQueued answers false for a job a worker holds, and leaves it running under its lease") {
        forEachBackend([](Backend& backend) {
            auto database = backend.newDatabase();
            auto storage = openMigrated(*database);
            const auto kind = uniqueKind("settle_running");
            auto job = makeJob(kind);
            job.dedupeKey = "asset-" + newUuid();
            enqueue(*storage, job);
            REQUIRE(claimedId(*storage, kind, kT0) == job.id);
            auto settled = withJobs(*storage, [&](JobsRepository& jobs) {
                return jobs.settleQueued(kind, job.dedupeKey, "committed", "2024-05-01T12:00:01Z");
            });
            REQUIRE(settled.ok());
            CHECK_FALSE(*settled);
            CHECK(getJob(*storage, job.id).state == storage::kJobRunning);
        });
    }

    TEST_CASE("settleQueued inside a transaction that rolls back leaves the job queued") {
        forEachBackend([](Backend& backend) {
            auto database = backend.newDatabase();
            auto storage = openMigrated(*database);
            const auto kind = uniqueKind("settle_tx");
            auto job = makeJob(kind);
            job.dedupeKey = "asset-" + newUuid();
            enqueue(*storage, job);
            bool settledInside = false;
            auto rolledBack = storage->transaction([&](storage::Repositories& tx) -> Status {
                OBSCURA_TRY(settled, tx.jobs().settleQueued(kind, job.dedupeKey, "committed", "2024-05-01T12:00:01Z"));
                settledInside = settled;
                return conflict("rolled back on purpose");
            });
            REQUIRE_FALSE(rolledBack.ok());
            CHECK(settledInside);
            CHECK(getJob(*storage, job.id).state == storage::kJobQueued);
        });
    }
}

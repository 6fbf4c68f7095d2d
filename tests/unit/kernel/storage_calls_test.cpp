// withRepos / inTransaction against the real SQLite plugin: the lambda's value comes back as the call's value,
// its error as the call's error, and a transaction that fails leaves nothing behind.
#include "obscura/kernel/storage_calls.hpp"

#include <doctest/doctest.h>

#include "jobs_fixture.hpp"
#include "obscura/base/clock.hpp"
#include "obscura/base/ids.hpp"

using namespace obscura;

namespace {

// enqueueIn stamps createdAt from it.
const SystemClock wallClock;

storage::NewJob newJob(const std::string& kind) {
    storage::NewJob job;
    job.id = newUuid();
    job.kind = kind;
    job.payload = "{}";
    job.maxAttempts = 1;
    return job;
}

}  // namespace

TEST_SUITE("kernel.storage_calls") {
    TEST_CASE("a read answers the lambda's value") {
        test::TempDir dir;
        auto storage = jobs_test::openJobsStorage(dir.path());
        auto jobs = withRepos(*storage, [](storage::Repositories& r) { return r.jobs().list("", 10, ""); });
        REQUIRE(jobs.ok());
        CHECK(jobs->empty());
    }

    TEST_CASE("a transaction answers its value once committed, and the write is there afterwards") {
        test::TempDir dir;
        auto storage = jobs_test::openJobsStorage(dir.path());
        const auto job = newJob("test.kind");
        auto enqueued =
            inTransaction(*storage, [&](storage::Repositories& r) { return JobQueue::enqueueIn(r, job, wallClock); });
        REQUIRE_MESSAGE(enqueued.ok(), enqueued.error().message);
        CHECK(enqueued->id == job.id);
        auto found = withRepos(*storage, [&](storage::Repositories& r) { return r.jobs().get(job.id); });
        REQUIRE(found.ok());
        CHECK(found->has_value());
    }

    TEST_CASE("the lambda's error is the call's error, and the transaction's writes are rolled back") {
        test::TempDir dir;
        auto storage = jobs_test::openJobsStorage(dir.path());
        const auto job = newJob("test.kind");
        auto failed = inTransaction(*storage, [&](storage::Repositories& r) -> Expected<int> {
            OBSCURA_TRY_STATUS(JobQueue::enqueueIn(r, job, wallClock));
            return conflict("changed my mind");
        });
        REQUIRE_FALSE(failed.ok());
        CHECK(failed.error().code == ErrorCode::Conflict);
        CHECK(failed.error().message == "changed my mind");
        auto found = withRepos(*storage, [&](storage::Repositories& r) { return r.jobs().get(job.id); });
        REQUIRE(found.ok());
        CHECK_FALSE(found->has_value());
    }

    TEST_CASE("a lambda answering a Status gives a Status") {
        test::TempDir dir;
        auto storage = jobs_test::openJobsStorage(dir.path());
        Status ok = withRepos(*storage, [](storage::Repositories&) -> Status { return {}; });
        CHECK(ok.ok());
        Status refused = inTransaction(*storage, [](storage::Repositories&) -> Status { return invalid("no"); });
        REQUIRE_FALSE(refused.ok());
        CHECK(refused.error().code == ErrorCode::Invalid);
    }
}

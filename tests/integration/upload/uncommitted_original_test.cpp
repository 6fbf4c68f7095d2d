// An original stored in the blob store whose row never commits (its process was killed between the put and the
// commit, DESIGN §9) does not stay an orphan: the durable job enqueued before the put removes it after
// images.uploadCommitGraceSeconds, on whichever replica claims it; a commit settles that job instead.
#include "upload/uncommitted_original.hpp"

#include <doctest/doctest.h>

#include <fstream>

#include "app_fixture.hpp"
#include "obscura/base/clock.hpp"
#include "obscura/base/ids.hpp"
#include "obscura/blobs/blob_store.hpp"
#include "obscura/kernel/job_queue.hpp"
#include "obscura/storage/storage.hpp"
#include "upload_support.hpp"

using namespace obscura;
using namespace obscura::test;

namespace {

template <typename Fn>
void inStorage(App& app, Fn&& fn) {
    auto status = app.storage().run(std::forward<Fn>(fn));
    REQUIRE_MESSAGE(status.ok(), (status.ok() ? "" : status.error().message));
}

std::optional<storage::JobRecord> intentJob(App& app, const std::string& assetId) {
    std::optional<storage::JobRecord> job;
    inStorage(app, [&](storage::Repositories& repos) -> Status {
        OBSCURA_TRY(found, repos.jobs().findJobByDedupeKey(images::kUncommittedOriginalJob, assetId));
        job = std::move(found);
        return {};
    });
    return job;
}

}  // namespace

TEST_SUITE("upload.uncommitted") {
    TEST_CASE("an upload's commit settles the job that would have removed its original") {
        AppFixture fx(fastAuth());
        HttpClient http(fx.port());
        auto alice = firstUser(http);
        auto r = upload(http, alice, "a.jpg", Fixtures::get().bytes("exif.jpg"));
        REQUIRE_MESSAGE(r.status == 201, r.body);
        const std::string id = bodyOf(r)["id"];
        auto job = intentJob(fx.app(), id);
        REQUIRE(job.has_value());
        CHECK(job->state == storage::kJobSucceeded);
        CHECK(job->result == "committed");
        CHECK(job->attempts == 0);  // settled, never run
        CHECK(http.get("/api/assets/" + id + "/original", alice.auth()).status == 200);
    }

    TEST_CASE("an original whose row never committed is removed once the grace has passed") {
        AppFixture fx(fastAuth());
        HttpClient http(fx.port());
        auto alice = firstUser(http);
        auto& blobs = fx.app().blobs();
        // What a process killed between put and commit leaves: the original in the store and the queued job.
        const std::string assetId = newUuid();
        const std::string key = "library/" + alice.id + "/2024/05/" + assetId + ".jpg";
        const std::string temp = fx.dataDir() + "/tmp/orphan-" + assetId;
        std::ofstream(temp, std::ios::binary) << Fixtures::get().bytes("exif.jpg");
        REQUIRE(blobs.put(key, temp, {}).ok());
        REQUIRE(blobs.stat(key).ok());
        const auto now = fx.app().clock().nowUs();
        inStorage(fx.app(), [&](storage::Repositories& repos) -> Status {
            OBSCURA_TRY_STATUS(JobQueue::enqueueIn(repos, images::uncommittedOriginalJob(alice.id, assetId, key, now),
                                                   fx.app().clock()));
            return {};
        });
        fx.app().jobs().wake(images::kUncommittedOriginalJob);
        CHECK(waitFor([&] {
            auto job = intentJob(fx.app(), assetId);
            return job && job->state == storage::kJobSucceeded;
        }));
        CHECK(intentJob(fx.app(), assetId)->result == "removed");
        auto gone = blobs.stat(key);
        REQUIRE_FALSE(gone.ok());
        CHECK(gone.error().code == ErrorCode::NotFound);
    }

    TEST_CASE("the job leaves an original alone when its row exists") {
        AppFixture fx(fastAuth());
        HttpClient http(fx.port());
        auto alice = firstUser(http);
        auto r = upload(http, alice, "a.jpg", Fixtures::get().bytes("exif.jpg"));
        REQUIRE_MESSAGE(r.status == 201, r.body);
        const std::string id = bodyOf(r)["id"];
        std::string path;
        inStorage(fx.app(), [&](storage::Repositories& repos) -> Status {
            OBSCURA_TRY(asset, repos.images().findAsset(alice.id, id));
            path = asset->storagePath;
            // A second job of another dedupe key for the same file: as if a commit had not settled its own.
            auto job = images::uncommittedOriginalJob(alice.id, id, path, 0);
            job.dedupeKey = "again-" + id;
            OBSCURA_TRY_STATUS(JobQueue::enqueueIn(repos, std::move(job), fx.app().clock()));
            return {};
        });
        fx.app().jobs().wake(images::kUncommittedOriginalJob);
        std::optional<storage::JobRecord> ran;
        CHECK(waitFor([&] {
            ran.reset();
            inStorage(fx.app(), [&](storage::Repositories& repos) -> Status {
                OBSCURA_TRY(found, repos.jobs().findJobByDedupeKey(images::kUncommittedOriginalJob, "again-" + id));
                ran = std::move(found);
                return {};
            });
            return ran && ran->state == storage::kJobSucceeded;
        }));
        CHECK(ran->result == "kept: the row committed");
        CHECK(fx.app().blobs().stat(path).ok());
    }
}

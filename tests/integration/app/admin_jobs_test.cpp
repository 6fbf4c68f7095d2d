#include <doctest/doctest.h>

#include "api_session.hpp"
#include "app_fixture.hpp"
#include "obscura/base/clock.hpp"
#include "obscura/base/ids.hpp"
#include "obscura/base/rfc3339.hpp"
#include "obscura/kernel/job_queue.hpp"
#include "obscura/storage/storage.hpp"

using namespace obscura;
using namespace obscura::test;

namespace {

std::string addJob(App& app, const std::string& kind, const std::string& state) {
    storage::NewJob job;
    job.id = newUuid();
    job.kind = kind;
    job.payload = "{}";
    job.maxAttempts = 1;
    const Clock& clock = app.clock();
    job.runAfterUs = clock.nowUs();
    job.createdAt = formatRfc3339(clock.nowUs());
    REQUIRE(app.storage()
                .run([&](storage::Repositories& r) -> Status {
                    OBSCURA_TRY_STATUS(JobQueue::enqueueIn(r, job, clock));
                    if (state == "failed") {
                        OBSCURA_TRY(claimed, r.jobs().claim(kind, "test-worker", clock.nowUs(), 60'000'000));
                        if (!claimed) return internalError("nothing claimed");
                        OBSCURA_TRY(ok, r.jobs().fail(claimed->id, claimed->attempts, "decoder said no", std::nullopt,
                                                      formatRfc3339(clock.nowUs())));
                        if (!ok) return internalError("fail refused");
                    }
                    return {};
                })
                .ok());
    return job.id;
}

}  // namespace

TEST_SUITE("app.admin_jobs") {
    TEST_CASE("only admins see and retry jobs: 401 without a session, 403 for a user, 200 for an admin") {
        AppFixture fx(fastAuth());
        HttpClient http(fx.port());
        registerUser(http, "alice");  // the first user is the admin
        auto admin = login(http, "alice");
        createUser(http, admin.access, "bob");
        auto bob = login(http, "bob");

        CHECK(http.get("/api/admin/jobs").status == 401);
        auto asUser = http.get("/api/admin/jobs", bearer(bob.access));
        CHECK(asUser.status == 403);
        CHECK(errorCode(asUser) == "forbidden");
        CHECK(postJson(http, "/api/admin/jobs/retry", nlohmann::json::object(), bearer(bob.access)).status == 403);

        auto asAdmin = http.get("/api/admin/jobs", bearer(admin.access));
        CHECK(asAdmin.status == 200);
        CHECK(bodyOf(asAdmin)["items"].is_array());
        CHECK(bodyOf(asAdmin)["nextCursor"].is_null());
    }

    TEST_CASE("the admin job list filters by state, pages by cursor, and retry requeues failed jobs") {
        AppFixture fx(fastAuth());
        HttpClient http(fx.port());
        registerUser(http, "alice");
        auto admin = login(http, "alice");
        // A kind no worker serves in this app, so the rows stay as the test leaves them.
        auto failedId = addJob(fx.app(), "test.unserved", "failed");
        for (int i = 0; i < 3; ++i) addJob(fx.app(), "test.unserved", "queued");

        auto failed = bodyOf(http.get("/api/admin/jobs?state=failed", bearer(admin.access)));
        REQUIRE(failed["items"].size() == 1);
        CHECK(failed["items"][0]["id"] == failedId);
        CHECK(failed["items"][0]["state"] == "failed");
        CHECK(failed["items"][0]["error"] == "decoder said no");
        CHECK(failed["items"][0]["attempts"] == 1);
        CHECK(failed["items"][0]["assetId"].is_null());

        auto page1 = bodyOf(http.get("/api/admin/jobs?limit=2", bearer(admin.access)));
        REQUIRE(page1["items"].size() == 2);
        REQUIRE(page1["nextCursor"].is_string());
        auto page2 = bodyOf(
            http.get("/api/admin/jobs?limit=2&cursor=" + page1["nextCursor"].get<std::string>(), bearer(admin.access)));
        CHECK(page2["items"].size() == 2);
        CHECK(page2["nextCursor"].is_null());
        CHECK(page2["items"][0]["id"] != page1["items"][0]["id"]);

        CHECK(http.get("/api/admin/jobs?state=sleeping", bearer(admin.access)).status == 400);
        CHECK(http.get("/api/admin/jobs?limit=0", bearer(admin.access)).status == 400);
        CHECK(http.get("/api/admin/jobs?cursor=not-an-id", bearer(admin.access)).status == 400);
        auto badIds = postJson(http, "/api/admin/jobs/retry", {{"ids", {"x"}}}, bearer(admin.access));
        CHECK(badIds.status == 422);
        // Not an array of strings: the body cannot be read (400), as everywhere else (docs/api.md, bodies).
        CHECK(postJson(http, "/api/admin/jobs/retry", {{"ids", "x"}}, bearer(admin.access)).status == 400);
        CHECK(postJson(http, "/api/admin/jobs/retry", {{"ids", {1}}}, bearer(admin.access)).status == 400);

        auto retried = postJson(http, "/api/admin/jobs/retry", {{"ids", {failedId}}}, bearer(admin.access));
        CHECK(retried.status == 200);
        CHECK(bodyOf(retried)["count"] == 1);
        CHECK(bodyOf(http.get("/api/admin/jobs?state=failed", bearer(admin.access)))["items"].empty());
        auto again = postJson(http, "/api/admin/jobs/retry", nlohmann::json::object(), bearer(admin.access));
        CHECK(bodyOf(again)["count"] == 0);
    }
}

#include "admin_jobs_routes.hpp"

#include <nlohmann/json.hpp>

#include "obscura/base/clock.hpp"
#include "obscura/base/ids.hpp"
#include "obscura/base/rfc3339.hpp"
#include "obscura/kernel/job_json.hpp"
#include "obscura/kernel/json_body.hpp"
#include "obscura/kernel/router.hpp"
#include "obscura/kernel/storage_calls.hpp"
#include "obscura/storage/storage.hpp"

namespace obscura {
namespace {

Expected<int> parseLimit(const Request& req) {
    auto raw = req.queryParam("limit");
    if (!raw) return 100;
    int limit = 0;
    for (char c : *raw) {
        if (c < '0' || c > '9' || limit > 100000) return badRequest("limit must be a whole number from 1 to 500");
        limit = limit * 10 + (c - '0');
    }
    if (limit < 1 || limit > 500) return badRequest("limit must be a whole number from 1 to 500");
    return limit;
}

Route listRoute(storage::Storage& storage) {
    return {.method = Method::Get,
            .pattern = "/api/admin/jobs",
            .auth = AuthPolicy::Admin,
            .module = "server",
            .summary = "Durable jobs, newest first, optionally by state (queued, running, succeeded, failed)",
            .handler = [&storage](Request& req) -> Expected<Response> {
                std::string state(req.queryParam("state").value_or(""));
                if (!state.empty() && state != storage::kJobQueued && state != storage::kJobRunning &&
                    state != storage::kJobSucceeded && state != storage::kJobFailed)
                    return badRequest("state must be one of queued, running, succeeded, failed");
                OBSCURA_TRY(limit, parseLimit(req));
                std::string cursor(req.queryParam("cursor").value_or(""));
                if (!cursor.empty() && !isUuid(cursor)) return badRequest("cursor is not one this server gave out");
                // One more than asked tells whether another page exists.
                OBSCURA_TRY(jobs, withRepos(storage, [&](storage::Repositories& repos) {
                                return repos.jobs().list(state, limit + 1, cursor);
                            }));
                nlohmann::json items = nlohmann::json::array();
                bool more = static_cast<int>(jobs.size()) > limit;
                if (more) jobs.resize(static_cast<std::size_t>(limit));
                for (const auto& job : jobs) items.push_back(jobToJson(job));
                nlohmann::json body = {{"items", items},
                                       {"nextCursor", more ? nlohmann::json(jobs.back().id) : nlohmann::json(nullptr)}};
                return Response::json(200, body.dump());
            }};
}

Route retryRoute(storage::Storage& storage, const Clock& clock) {
    return {.method = Method::Post,
            .pattern = "/api/admin/jobs/retry",
            .auth = AuthPolicy::Admin,
            .module = "server",
            .summary = "Requeue failed jobs: the given ids, or every failed job when ids is absent",
            .body = BodyKind::Buffered,
            .maxBodyBytes = 256 * 1024,
            .handler = [&storage, &clock](Request& req) -> Expected<Response> {
                OBSCURA_TRY(body, JsonBody::parse(req));
                OBSCURA_TRY(given, body.optionalStrings("ids"));
                std::vector<std::string> ids = given.value_or(std::vector<std::string>{});
                for (const auto& id : ids)
                    if (!isUuid(id)) return invalid("ids must be an array of job ids");
                // A present ids array is taken literally: [] retries nothing (absent ids means every failed job).
                if (given && ids.empty()) return Response::json(200, R"({"count":0})");
                const std::int64_t now = clock.nowUs();
                OBSCURA_TRY(count, withRepos(storage, [&](storage::Repositories& repos) {
                                return repos.jobs().retryFailed(ids, now, formatRfc3339(now));
                            }));
                return Response::json(200, nlohmann::json({{"count", count}}).dump());
            }};
}

}  // namespace

std::string jobJson(const storage::JobRecord& job) { return jobToJson(job).dump(); }

Status addAdminJobsRoutes(Router& router, storage::Storage& storage, const Clock& clock) {
    OBSCURA_TRY_STATUS(router.add(listRoute(storage)));
    return router.add(retryRoute(storage, clock));
}

}  // namespace obscura

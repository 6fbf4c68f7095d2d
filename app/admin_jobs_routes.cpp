#include "admin_jobs_routes.hpp"

#include <nlohmann/json.hpp>

#include "obscura/base/clock.hpp"
#include "obscura/base/ids.hpp"
#include "obscura/base/rfc3339.hpp"
#include "obscura/kernel/job_json.hpp"
#include "obscura/kernel/router.hpp"
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
    Route r;
    r.method = Method::Get;
    r.pattern = "/api/admin/jobs";
    r.auth = AuthPolicy::Admin;
    r.module = "server";
    r.summary = "Durable jobs, newest first, optionally by state (queued, running, succeeded, failed)";
    r.handler = [&storage](Request& req) -> Expected<Response> {
        std::string state(req.queryParam("state").value_or(""));
        if (!state.empty() && state != storage::kJobQueued && state != storage::kJobRunning &&
            state != storage::kJobSucceeded && state != storage::kJobFailed)
            return badRequest("state must be one of queued, running, succeeded, failed");
        OBSCURA_TRY(limit, parseLimit(req));
        std::string cursor(req.queryParam("cursor").value_or(""));
        if (!cursor.empty() && !isUuid(cursor)) return badRequest("cursor is not one this server gave out");
        std::vector<storage::JobRecord> jobs;
        OBSCURA_TRY_STATUS(storage.run([&](storage::Repositories& repos) -> Status {
            // One more than asked tells whether another page exists.
            OBSCURA_TRY(page, repos.jobs().list(state, limit + 1, cursor));
            jobs = std::move(page);
            return {};
        }));
        nlohmann::json items = nlohmann::json::array();
        bool more = static_cast<int>(jobs.size()) > limit;
        if (more) jobs.resize(static_cast<std::size_t>(limit));
        for (const auto& job : jobs) items.push_back(jobToJson(job));
        nlohmann::json body = {{"items", items},
                               {"nextCursor", more ? nlohmann::json(jobs.back().id) : nlohmann::json(nullptr)}};
        return Response::json(200, body.dump());
    };
    return r;
}

Route retryRoute(storage::Storage& storage, const Clock& clock) {
    Route r;
    r.method = Method::Post;
    r.pattern = "/api/admin/jobs/retry";
    r.auth = AuthPolicy::Admin;
    r.module = "server";
    r.body = BodyKind::Buffered;
    r.maxBodyBytes = 256 * 1024;
    r.summary = "Requeue failed jobs: the given ids, or every failed job when ids is absent";
    r.handler = [&storage, &clock](Request& req) -> Expected<Response> {
        std::vector<std::string> ids;
        if (!req.body.empty()) {
            auto body = nlohmann::json::parse(req.body, nullptr, false);
            if (body.is_discarded() || !body.is_object()) return badRequest("body must be a JSON object");
            if (body.contains("ids")) {
                if (!body["ids"].is_array()) return invalid("ids must be an array of job ids");
                for (const auto& id : body["ids"]) {
                    if (!id.is_string() || !isUuid(id.get<std::string>()))
                        return invalid("ids must be an array of job ids");
                    ids.push_back(id.get<std::string>());
                }
                if (ids.empty()) return Response::json(200, R"({"count":0})");
            }
        }
        std::int64_t count = 0;
        OBSCURA_TRY_STATUS(storage.run([&](storage::Repositories& repos) -> Status {
            const std::int64_t now = clock.nowUs();
            OBSCURA_TRY(n, repos.jobs().retryFailed(ids, now, formatRfc3339(now)));
            count = n;
            return {};
        }));
        return Response::json(200, nlohmann::json({{"count", count}}).dump());
    };
    return r;
}

}  // namespace

std::string jobJson(const storage::JobRecord& job) { return jobToJson(job).dump(); }

Status addAdminJobsRoutes(Router& router, storage::Storage& storage, const Clock& clock) {
    OBSCURA_TRY_STATUS(router.add(listRoute(storage)));
    return router.add(retryRoute(storage, clock));
}

}  // namespace obscura

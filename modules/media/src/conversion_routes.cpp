#include "conversion_routes.hpp"

#include <nlohmann/json.hpp>

#include "conversion_job.hpp"
#include "obscura/images/asset_source.hpp"
#include "obscura/kernel/http_types.hpp"
#include "obscura/base/ids.hpp"
#include "obscura/kernel/job_json.hpp"
#include "obscura/kernel/job_queue.hpp"
#include "obscura/storage/storage.hpp"

namespace obscura::media {

namespace {

Error assetNotFound() { return Error(ErrorCode::NotFound, "no such asset"); }

Expected<images::SourceAsset> ownedAsset(ConversionRouteDeps& deps, const Request& req) {
    const std::string id(req.param("id"));
    if (!isUuid(id)) return assetNotFound();
    OBSCURA_TRY(found, deps.assets.find(req.principal->userId, id));
    if (!found) return assetNotFound();
    return std::move(*found);
}

// The kernel's job shape; a conversion also says its format.
std::string jobJson(const storage::JobRecord& job) {
    nlohmann::json j = jobToJson(job);
    if (job.kind == kConversionJob) {
        const auto payload = nlohmann::json::parse(job.payload, nullptr, false);
        if (payload.is_object() && payload.contains("format")) j["format"] = payload["format"];
    }
    return j.dump();
}

Route makeRoute(Method method, std::string pattern, std::string summary, Handler handler) {
    Route r;
    r.method = method;
    r.pattern = std::move(pattern);
    r.auth = AuthPolicy::User;
    r.module = "media";
    r.summary = std::move(summary);
    r.handler = std::move(handler);
    return r;
}

Expected<Response> requestConversion(ConversionRouteDeps& deps, Request& req) {
    OBSCURA_TRY(asset, ownedAsset(deps, req));
    nlohmann::json body = nlohmann::json::parse(req.body, nullptr, false);
    if (body.is_discarded() || !body.is_object()) return badRequest("the body must be a JSON object");
    if (!body.contains("format") || !body["format"].is_string())
        return Error(ErrorCode::Invalid, "format is required: mp3, mp4, jpeg or webp");
    const ConversionFormat* format = conversionFormat(body["format"].get<std::string>());
    if (format == nullptr) return Error(ErrorCode::Invalid, "format must be one of mp3, mp4, jpeg, webp");
    if (asset.type == "image" && !format->forImages)
        return Error(ErrorCode::Invalid, "a photo has no " + std::string(format->name) + ": convert it to jpeg or webp");

    storage::NewJob job;
    job.id = newUuid();
    job.kind = kConversionJob;
    job.payload = nlohmann::json{{"assetId", asset.id}, {"format", format->name}}.dump();
    job.ownerId = asset.ownerId;
    job.assetId = asset.id;
    job.dedupeKey = asset.id + ":" + std::string(format->name);
    job.maxAttempts = 3;  // createdAt and runAfterUs: now, from the queue's clock
    OBSCURA_TRY(enqueued, deps.jobs.enqueue(std::move(job)));
    if (enqueued.created) deps.jobs.wake(kConversionJob);
    const auto& j = enqueued.job;
    nlohmann::json out = {{"jobId", j.id}, {"state", j.state}};
    return Response::json(enqueued.created ? 202 : 200, out.dump());
}

Expected<Response> downloadConversion(ConversionRouteDeps& deps, Request& req) {
    OBSCURA_TRY(asset, ownedAsset(deps, req));
    const ConversionFormat* format = conversionFormat(req.param("format"));
    if (format == nullptr) return notFound("no such conversion: formats are mp3, mp4, jpeg, webp");
    const std::string path = asset.derivedDir + "/" + conversionFileName(*format);
    return deps.assets.serveProducedFile(
        req, asset.ownerId, path, std::string(format->mimeType),
        "attachment; filename=\"" + asset.id + std::string(format->extension) + "\"",
        Error(ErrorCode::NotFound, "this conversion is not ready: request it with POST first", "not_ready"));
}

Expected<Response> jobStatus(ConversionRouteDeps& deps, Request& req) {
    const std::string id(req.param("id"));
    const Error missing(ErrorCode::NotFound, "no such job");
    if (!isUuid(id)) return missing;
    std::optional<storage::JobRecord> job;
    OBSCURA_TRY_STATUS(deps.storage.run([&](storage::Repositories& repos) -> Status {
        OBSCURA_TRY(found, repos.jobs().get(id));
        job = std::move(found);
        return {};
    }));
    // Someone else's job, or a system job, does not exist for this caller.
    if (!job || job->ownerId != req.principal->userId) return missing;
    return Response::json(200, jobJson(*job));
}

}  // namespace

std::vector<Route> conversionRoutes(ConversionRouteDeps& deps) {
    std::vector<Route> routes;
    Route post = makeRoute(Method::Post, "/api/assets/{id}/conversions",
                           "Request a conversion {format: mp3|mp4|jpeg|webp}: 202 {jobId, state}, 200 when asked before",
                           [&deps](Request& req) { return requestConversion(deps, req); });
    post.body = BodyKind::Buffered;
    post.maxBodyBytes = 4096;
    routes.push_back(std::move(post));
    routes.push_back(makeRoute(Method::Get, "/api/assets/{id}/conversions/{format}",
                               "Download a finished conversion (404 not_ready until it is done)",
                               [&deps](Request& req) { return downloadConversion(deps, req); }));
    routes.push_back(makeRoute(Method::Get, "/api/jobs/{id}",
                               "One of your jobs: {id, kind, assetId, state, progress, error?, attempts, createdAt, updatedAt}",
                               [&deps](Request& req) { return jobStatus(deps, req); }));
    return routes;
}

}  // namespace obscura::media

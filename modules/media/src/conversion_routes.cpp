#include "conversion_routes.hpp"

#include <nlohmann/json.hpp>

#include "conversion_job.hpp"
#include "obscura/base/ids.hpp"
#include "obscura/images/asset_source.hpp"
#include "obscura/kernel/file_response.hpp"
#include "obscura/kernel/job_json.hpp"
#include "obscura/kernel/job_queue.hpp"
#include "obscura/kernel/json_body.hpp"
#include "obscura/kernel/storage_calls.hpp"
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

Expected<Response> requestConversion(ConversionRouteDeps& deps, Request& req) {
    OBSCURA_TRY(asset, ownedAsset(deps, req));
    OBSCURA_TRY(body, JsonBody::parse(req));
    OBSCURA_TRY(formatName, body.requiredString("format"));
    const ConversionFormat* format = conversionFormat(formatName);
    if (format == nullptr) return Error(ErrorCode::Invalid, "format must be one of mp3, mp4, jpeg, webp");
    if (asset.type == "image" && !format->forImages)
        return Error(ErrorCode::Invalid,
                     "a photo has no " + std::string(format->name) + ": convert it to jpeg or webp");

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
    // A redone conversion is new bytes: the tag comes from the file's size and time, revalidated on every use.
    return FileResponse{.store = &deps.blobs,
                        .key = asset.derivedPrefix + "/" + conversionFileName(*format),
                        .contentType = std::string(format->mimeType),
                        .cacheControl = "private, no-cache",
                        .disposition = "attachment; filename=\"" + asset.id + std::string(format->extension) + "\"",
                        .countBody = [&assets = deps.assets, owner = asset.ownerId](
                                         std::uint64_t bytes) { assets.countServedBytes(owner, bytes); }}
        .answer(req,
                Error(ErrorCode::NotFound, "this conversion is not ready: request it with POST first", "not_ready"));
}

Expected<Response> jobStatus(ConversionRouteDeps& deps, Request& req) {
    const std::string id(req.param("id"));
    const Error missing(ErrorCode::NotFound, "no such job");
    if (!isUuid(id)) return missing;
    OBSCURA_TRY(job, withRepos(deps.storage, [&](storage::Repositories& repos) { return repos.jobs().get(id); }));
    // Someone else's job, or a system job, does not exist for this caller.
    if (!job || job->ownerId != req.principal->userId) return missing;
    return Response::json(200, jobJson(*job));
}

}  // namespace

std::vector<Route> conversionRoutes(ConversionRouteDeps& deps) {
    return {
        Route{.method = Method::Post,
              .pattern = "/api/assets/{id}/conversions",
              .module = "media",
              .summary = "Request a conversion {format: mp3|mp4|jpeg|webp}: 202 {jobId, state}, 200 when asked before",
              .body = BodyKind::Buffered,
              .maxBodyBytes = 4096,
              .handler = [&deps](Request& req) { return requestConversion(deps, req); }},
        Route{.method = Method::Get,
              .pattern = "/api/assets/{id}/conversions/{format}",
              .module = "media",
              .summary = "Download a finished conversion (404 not_ready until it is done)",
              .handler = [&deps](Request& req) { return downloadConversion(deps, req); }},
        Route{
            .method = Method::Get,
            .pattern = "/api/jobs/{id}",
            .module = "media",
            .summary = "One of your jobs: {id, kind, assetId, state, progress, error?, attempts, createdAt, updatedAt}",
            .handler = [&deps](Request& req) { return jobStatus(deps, req); }},
    };
}

}  // namespace obscura::media

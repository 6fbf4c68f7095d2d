#include "assets/asset_file_jobs.hpp"

#include <nlohmann/json.hpp>

#include "obscura/base/ids.hpp"
#include "obscura/blobs/blob_store.hpp"
#include "obscura/kernel/job_queue.hpp"
#include "obscura/storage/repositories.hpp"

namespace obscura::images {

namespace {

// "library/<owner>/…" with no empty, "." or ".." segment: the only originals the server writes.
bool isLibraryPath(const std::string& path, const std::string& ownerId) {
    const std::string prefix = "library/" + ownerId + "/";
    if (path.rfind(prefix, 0) != 0 || path.back() == '/') return false;
    std::size_t start = 0;
    while (start <= path.size()) {
        const auto end = std::min(path.find('/', start), path.size());
        const auto segment = std::string_view(path).substr(start, end - start);
        if (segment.empty() || segment == "." || segment == "..") return false;
        start = end + 1;
    }
    return path.find('\0') == std::string::npos;
}

Expected<nlohmann::json> payloadOf(JobContext& ctx) {
    auto payload = nlohmann::json::parse(ctx.job().payload, nullptr, false);
    if (!payload.is_object()) return invalid("job payload is not a JSON object");
    return payload;
}

std::string stringField(const nlohmann::json& j, const char* key) {
    return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : std::string();
}

storage::NewJob newJob(const char* kind, std::string payload, const std::string& ownerId, const std::string& assetId,
                       std::string dedupeKey) {
    storage::NewJob job;
    job.id = newUuid();
    job.kind = kind;
    job.payload = std::move(payload);
    job.ownerId = ownerId;
    job.assetId = assetId;
    job.dedupeKey = std::move(dedupeKey);
    job.maxAttempts = 10;
    return job;  // createdAt and runAfterUs: now, from enqueueIn
}

}  // namespace

Status deleteAssetFiles(blobs::BlobStore& blobs, const std::string& ownerId, const std::string& assetId,
                        const std::string& storagePath) {
    if (!isUuid(ownerId) || !isUuid(assetId)) return invalid("asset file deletion needs an owner and asset id");
    if (!isLibraryPath(storagePath, ownerId))
        return invalid("refusing to delete '" + storagePath + "': not a library path");
    // Each removal is durable when the store answers (local: the folder is fsync'd), as the job's end requires.
    OBSCURA_TRY_STATUS(blobs.remove(storagePath));
    return blobs.removePrefix("derived/" + ownerId + "/" + assetId + "/");
}

Status deleteUserFiles(blobs::BlobStore& blobs, const std::string& userId) {
    if (!isUuid(userId)) return invalid("user file deletion needs a user id");
    OBSCURA_TRY_STATUS(blobs.removePrefix("library/" + userId + "/"));
    return blobs.removePrefix("derived/" + userId + "/");
}

Status registerFileJobs(JobQueue& jobs, blobs::BlobStore& blobs) {
    JobKindOptions assetFiles;
    assetFiles.kind = kDeleteAssetFilesJob;
    assetFiles.workers = 2;
    assetFiles.maxAttempts = 10;
    OBSCURA_TRY_STATUS(jobs.registerKind(assetFiles, [&blobs](JobContext& ctx) -> Expected<std::string> {
        OBSCURA_TRY(payload, payloadOf(ctx));
        OBSCURA_TRY_STATUS(deleteAssetFiles(blobs, stringField(payload, "ownerId"), stringField(payload, "assetId"),
                                            stringField(payload, "storagePath")));
        return std::string();
    }));
    JobKindOptions userFiles;
    userFiles.kind = kDeleteUserFilesJob;
    userFiles.maxAttempts = 10;
    // A big library takes a while to remove; the heartbeat extends the lease, this only bounds a stuck worker.
    userFiles.lease = std::chrono::minutes(10);
    return jobs.registerKind(userFiles, [&blobs](JobContext& ctx) -> Expected<std::string> {
        OBSCURA_TRY(payload, payloadOf(ctx));
        OBSCURA_TRY_STATUS(deleteUserFiles(blobs, stringField(payload, "userId")));
        return std::string();
    });
}

Status enqueueAssetFilesDeletion(storage::Repositories& tx, const storage::AssetRecord& asset, const Clock& clock) {
    const nlohmann::json payload = {
        {"ownerId", asset.ownerId}, {"assetId", asset.id}, {"storagePath", asset.storagePath}};
    auto job = newJob(kDeleteAssetFilesJob, payload.dump(), asset.ownerId, asset.id, asset.id);
    OBSCURA_TRY_STATUS(JobQueue::enqueueIn(tx, std::move(job), clock));
    return {};
}

Status enqueueUserFilesDeletion(storage::Repositories& tx, const std::string& userId, const Clock& clock) {
    const nlohmann::json payload = {{"userId", userId}};
    auto job = newJob(kDeleteUserFilesJob, payload.dump(), userId, "", userId);
    OBSCURA_TRY_STATUS(JobQueue::enqueueIn(tx, std::move(job), clock));
    return {};
}

}  // namespace obscura::images

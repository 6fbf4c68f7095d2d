#include "upload/uncommitted_original.hpp"

#include <nlohmann/json.hpp>

#include "assets/asset_file_jobs.hpp"
#include "obscura/base/ids.hpp"
#include "obscura/kernel/job_queue.hpp"
#include "obscura/kernel/log.hpp"
#include "obscura/kernel/storage_calls.hpp"
#include "obscura/storage/storage.hpp"

namespace obscura::images {

storage::NewJob uncommittedOriginalJob(const std::string& ownerId, const std::string& assetId,
                                       const std::string& storagePath, std::int64_t runAfterUs) {
    storage::NewJob job;
    job.id = newUuid();
    job.kind = kUncommittedOriginalJob;
    job.payload = nlohmann::json({{"ownerId", ownerId}, {"assetId", assetId}, {"storagePath", storagePath}}).dump();
    job.ownerId = ownerId;
    job.assetId = assetId;
    job.dedupeKey = assetId;
    job.maxAttempts = 10;
    job.runAfterUs = runAfterUs;
    return job;
}

Status registerUncommittedOriginalJob(JobQueue& jobs, storage::Storage& storage, blobs::BlobStore& blobs) {
    JobKindOptions options;
    options.kind = kUncommittedOriginalJob;
    options.maxAttempts = 10;
    return jobs.registerKind(options, [&storage, &blobs](JobContext& ctx) -> Expected<std::string> {
        auto payload = nlohmann::json::parse(ctx.job().payload, nullptr, false);
        if (!payload.is_object()) return invalid("job payload is not a JSON object");
        const auto field = [&](const char* key) { return payload.value(key, std::string()); };
        const std::string path = field("storagePath");
        // Settled by the commit in the normal case; a row found here committed without settling (not a path the
        // importer takes, but the file is the row's then and must stay).
        OBSCURA_TRY(row, withRepos(storage, [&](storage::Repositories& repos) {
                        return repos.images().findAssetByStoragePath(path);
                    }));
        if (row) return std::string("kept: the row committed");
        OBSCURA_TRY_STATUS(deleteAssetFiles(blobs, field("ownerId"), field("assetId"), path));
        log::info("images: removed " + path + ": its upload never committed (the process handling it ended)");
        return std::string("removed");
    });
}

}  // namespace obscura::images

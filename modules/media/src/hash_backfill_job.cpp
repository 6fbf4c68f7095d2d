#include "hash_backfill_job.hpp"

#include "obscura/base/ids.hpp"
#include "obscura/images/asset_source.hpp"
#include "obscura/kernel/log.hpp"

namespace obscura::media {

namespace {

constexpr int kBatch = 200;

}  // namespace

Expected<std::string> runHashBackfillJob(MediaTools& tools, JobContext& job) {
    OBSCURA_TRY(left, tools.assets.countUnhashedImages());
    const double total = static_cast<double>(left);
    std::int64_t hashed = 0;
    std::int64_t skipped = 0;
    for (std::string after;;) {
        OBSCURA_TRY(batch, tools.assets.unhashedImages(after, kBatch));
        if (batch.empty()) break;
        for (const auto& item : batch) {
            after = item.assetId;
            if (!job.stillOwned()) return unavailable("lost the job's lease");
            auto found = tools.assets.find(item.ownerId, item.assetId);
            if (!found) return std::move(found).error();  // the database: retry the job later
            if (!*found) continue;                        // deleted meanwhile
            const auto& asset = **found;
            auto file = BlobFile::open(tools.blobs, asset.derivedPrefix + "/" + std::string(images::kThumbnailFile),
                                       tools.tmpDir);
            if (!file) {
                ++skipped;
                log::warn("media: hash backfill skips asset " + asset.id + ": " + file.error().message);
                continue;
            }
            auto hashes = tools.vips.hashThumbnail(file->path());
            if (!hashes) {
                ++skipped;
                log::warn("media: hash backfill skips asset " + asset.id + ": " + hashes.error().message);
                continue;
            }
            OBSCURA_TRY_STATUS(tools.assets.recordPerceptualHash(asset, hashes->dct));
            ++hashed;
            if (total > 0) job.progress(std::min(1.0, static_cast<double>(hashed + skipped) / total));
        }
    }
    return "hashed " + std::to_string(hashed) + ", skipped " + std::to_string(skipped);
}

Status enqueueHashBackfillIfNeeded(MediaTools& tools, JobQueue& jobs) {
    OBSCURA_TRY(some, tools.assets.unhashedImages("", 1));
    if (some.empty()) return {};
    storage::NewJob job;
    job.id = newUuid();
    job.kind = kHashBackfillJob;
    job.payload = "{}";
    job.maxAttempts = 10;
    auto enqueued = jobs.enqueue(job);
    // The kind is bounded to one active job: a refusal means a backfill is queued or running already.
    if (!enqueued && enqueued.error().code == ErrorCode::Unavailable) return {};
    if (!enqueued) return std::move(enqueued).error();
    if (enqueued->created) log::info("media: perceptual hash backfill enqueued (job " + enqueued->job.id + ")");
    return {};
}

}  // namespace obscura::media

#include "assets/asset_service.hpp"

#include "assets/asset_file_jobs.hpp"
#include "obscura/base/clock.hpp"
#include "obscura/base/rfc3339.hpp"
#include "obscura/images/events.hpp"
#include "obscura/kernel/bus.hpp"
#include "obscura/kernel/job_queue.hpp"
#include "obscura/kernel/storage_calls.hpp"
#include "obscura/storage/storage.hpp"

namespace obscura::images {

namespace {

// Rows deleted per transaction when emptying a trash or purging: bounds how long the write lock is held.
constexpr int kDeleteBatch = 200;

// A live photo's video (hidden from every listing) follows its still into and out of the trash and away.
Expected<std::optional<storage::AssetRecord>> liveVideoOf(storage::Repositories& repos, const std::string& ownerId,
                                                          const std::string& stillId) {
    OBSCURA_TRY(still, repos.images().findAsset(ownerId, stillId));
    if (!still || !still->livePhotoVideoId) return std::optional<storage::AssetRecord>();
    return repos.images().findAsset(ownerId, *still->livePhotoVideoId);
}

}  // namespace

AssetService::AssetService(storage::Storage& storage, Bus& bus, JobQueue& jobs)
    : storage_(storage), bus_(bus), jobs_(jobs) {}

Expected<std::optional<storage::AssetRecord>> AssetService::find(const std::string& ownerId, const std::string& id) {
    return withRepos(storage_, [&](storage::Repositories& repos) { return repos.images().findAsset(ownerId, id); });
}

Expected<std::optional<storage::AssetRecord>> AssetService::update(const std::string& ownerId, const std::string& id,
                                                                   storage::AssetUpdate update) {
    update.updatedAt = formatRfc3339(jobs_.clock().nowUs());
    auto write = [&](storage::Repositories& repos) -> Expected<std::optional<storage::AssetRecord>> {
        OBSCURA_TRY(written, repos.images().updateAsset(ownerId, id, update));
        if (written == storage::AssetWrite::NotFound) return std::optional<storage::AssetRecord>();
        return repos.images().findAsset(ownerId, id);
    };
    OBSCURA_TRY(updated, inTransaction(storage_, write));
    if (updated) bus_.publish(AssetUpdated{id, ownerId});
    return updated;
}

Expected<bool> AssetService::trash(const std::string& ownerId, const std::string& id) {
    std::optional<std::string> videoId;
    OBSCURA_TRY(write, inTransaction(storage_, [&](storage::Repositories& repos) -> Expected<storage::AssetWrite> {
                    const std::int64_t now = jobs_.clock().nowUs();
                    OBSCURA_TRY(written, repos.images().trashAsset(ownerId, id, formatRfc3339(now), now));
                    OBSCURA_TRY(video, liveVideoOf(repos, ownerId, id));
                    videoId.reset();
                    if (video && !video->isTrashed) {
                        OBSCURA_TRY_STATUS(repos.images().trashAsset(ownerId, video->id, formatRfc3339(now), now));
                        videoId = video->id;
                    }
                    return written;
                }));
    if (write == storage::AssetWrite::NotFound) return false;
    if (videoId) bus_.publish(AssetTrashed{*videoId, ownerId});
    if (write == storage::AssetWrite::Changed) {
        bus_.publish(AssetTrashed{id, ownerId});
        if (onTrashed_) onTrashed_();
    }
    return true;
}

Expected<bool> AssetService::deletePermanently(const std::string& ownerId, const std::string& id) {
    auto remove = [&](storage::Repositories& repos) -> Expected<bool> {
        OBSCURA_TRY(asset, repos.images().findAsset(ownerId, id));
        if (!asset) return false;
        OBSCURA_TRY(video, liveVideoOf(repos, ownerId, id));
        OBSCURA_TRY(gone, repos.images().deleteAsset(ownerId, id, false));
        if (!gone) return false;
        OBSCURA_TRY_STATUS(enqueueAssetFilesDeletion(repos, *asset, jobs_.clock()));
        if (video) {
            OBSCURA_TRY(videoGone, repos.images().deleteAsset(ownerId, video->id, false));
            if (videoGone) OBSCURA_TRY_STATUS(enqueueAssetFilesDeletion(repos, *video, jobs_.clock()));
        }
        return true;
    };
    OBSCURA_TRY(deleted, inTransaction(storage_, remove));
    if (deleted) {
        jobs_.wake(kDeleteAssetFilesJob);
        bus_.publish(AssetDeleted{id, ownerId});
    }
    return deleted;
}

Expected<std::int64_t> AssetService::restore(const std::string& ownerId, const std::vector<std::string>& ids) {
    OBSCURA_TRY(restored,
                inTransaction(storage_, [&](storage::Repositories& repos) -> Expected<std::vector<std::string>> {
                    const std::string now = formatRfc3339(jobs_.clock().nowUs());
                    OBSCURA_TRY(back, repos.images().restoreAssets(ownerId, ids, now));
                    std::vector<std::string> videos;
                    for (const auto& id : back) {
                        OBSCURA_TRY(video, liveVideoOf(repos, ownerId, id));
                        if (video && video->isTrashed) videos.push_back(video->id);
                    }
                    if (!videos.empty()) OBSCURA_TRY_STATUS(repos.images().restoreAssets(ownerId, videos, now));
                    return back;  // the count answered is of what the caller sees: the stills
                }));
    for (const auto& id : restored) bus_.publish(AssetRestored{id, ownerId});
    return static_cast<std::int64_t>(restored.size());
}

Expected<std::int64_t> AssetService::deleteBatch(const std::vector<storage::AssetRecord>& batch, bool onlyIfTrashed) {
    // A retried transaction runs the lambda again from an empty list: only its last run's list is kept.
    auto remove = [&](storage::Repositories& repos) -> Expected<std::vector<const storage::AssetRecord*>> {
        std::vector<const storage::AssetRecord*> gone;
        for (const auto& asset : batch) {
            OBSCURA_TRY(video, liveVideoOf(repos, asset.ownerId, asset.id));
            OBSCURA_TRY(deleted, repos.images().deleteAsset(asset.ownerId, asset.id, onlyIfTrashed));
            if (!deleted) continue;  // restored or deleted meanwhile
            OBSCURA_TRY_STATUS(enqueueAssetFilesDeletion(repos, asset, jobs_.clock()));
            gone.push_back(&asset);
            if (video) {  // its events are not published: nobody was shown it
                OBSCURA_TRY(videoGone, repos.images().deleteAsset(video->ownerId, video->id, onlyIfTrashed));
                if (videoGone) OBSCURA_TRY_STATUS(enqueueAssetFilesDeletion(repos, *video, jobs_.clock()));
            }
        }
        return gone;
    };
    OBSCURA_TRY(deleted, inTransaction(storage_, remove));
    if (!deleted.empty()) jobs_.wake(kDeleteAssetFilesJob);
    for (const auto* asset : deleted) bus_.publish(AssetDeleted{asset->id, asset->ownerId});
    return static_cast<std::int64_t>(deleted.size());
}

Expected<std::int64_t> AssetService::emptyTrash(const std::string& ownerId) {
    std::int64_t total = 0;
    storage::AssetQuery query;
    query.filter.ownerId = ownerId;
    query.filter.trashed = true;
    query.filter.archived.reset();
    query.limit = kDeleteBatch;
    while (true) {
        OBSCURA_TRY(
            page, withRepos(storage_, [&](storage::Repositories& repos) { return repos.images().listAssets(query); }));
        if (page.items.empty()) break;
        OBSCURA_TRY(count, deleteBatch(page.items, true));
        total += count;
        if (!page.hasMore) break;
        // Deleted rows are gone, but a row restored meanwhile is still there: move past this page either way.
        query.after = storage::AssetCursor{page.items.back().takenAtUs, page.items.back().id};
    }
    return total;
}

Expected<std::int64_t> AssetService::purgeTrashedBefore(std::int64_t cutoffUs) {
    std::int64_t total = 0;
    while (true) {
        OBSCURA_TRY(due, withRepos(storage_, [&](storage::Repositories& repos) {
                        return repos.images().listTrashedBefore(cutoffUs, kDeleteBatch);
                    }));
        if (due.empty()) break;
        OBSCURA_TRY(count, deleteBatch(due, true));
        total += count;
        // Everything listed was either deleted or left the trash, so the next read moves on.
        if (due.size() < static_cast<std::size_t>(kDeleteBatch)) break;
    }
    return total;
}

}  // namespace obscura::images

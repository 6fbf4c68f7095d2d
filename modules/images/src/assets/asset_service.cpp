#include "assets/asset_service.hpp"

#include "assets/asset_file_jobs.hpp"
#include "obscura/base/clock.hpp"
#include "obscura/base/rfc3339.hpp"
#include "obscura/images/events.hpp"
#include "obscura/kernel/bus.hpp"
#include "obscura/kernel/job_queue.hpp"
#include "obscura/storage/storage.hpp"

namespace obscura::images {

namespace {

// Rows deleted per transaction when emptying a trash or purging: bounds how long the write lock is held.
constexpr int kDeleteBatch = 200;

}  // namespace

AssetService::AssetService(storage::Storage& storage, Bus& bus, JobQueue& jobs)
    : storage_(storage), bus_(bus), jobs_(jobs) {}

Expected<std::optional<storage::AssetRecord>> AssetService::find(const std::string& ownerId, const std::string& id) {
    std::optional<storage::AssetRecord> found;
    OBSCURA_TRY_STATUS(storage_.run([&](storage::Repositories& repos) -> Status {
        OBSCURA_TRY(asset, repos.images().findAsset(ownerId, id));
        found = std::move(asset);
        return {};
    }));
    return found;
}

Expected<std::optional<storage::AssetRecord>> AssetService::update(const std::string& ownerId, const std::string& id,
                                                                   storage::AssetUpdate update) {
    update.updatedAt = formatRfc3339(jobs_.clock().nowUs());
    std::optional<storage::AssetRecord> updated;
    OBSCURA_TRY_STATUS(storage_.transaction([&](storage::Repositories& repos) -> Status {
        OBSCURA_TRY(write, repos.images().updateAsset(ownerId, id, update));
        if (write == storage::AssetWrite::NotFound) return {};
        OBSCURA_TRY(asset, repos.images().findAsset(ownerId, id));
        updated = std::move(asset);
        return {};
    }));
    if (updated) bus_.publish(AssetUpdated{id, ownerId});
    return updated;
}

Expected<bool> AssetService::trash(const std::string& ownerId, const std::string& id) {
    storage::AssetWrite write = storage::AssetWrite::NotFound;
    OBSCURA_TRY_STATUS(storage_.run([&](storage::Repositories& repos) -> Status {
        const std::int64_t now = jobs_.clock().nowUs();
        OBSCURA_TRY(result, repos.images().trashAsset(ownerId, id, formatRfc3339(now), now));
        write = result;
        return {};
    }));
    if (write == storage::AssetWrite::NotFound) return false;
    if (write == storage::AssetWrite::Changed) {
        bus_.publish(AssetTrashed{id, ownerId});
        if (onTrashed_) onTrashed_();
    }
    return true;
}

Expected<bool> AssetService::deletePermanently(const std::string& ownerId, const std::string& id) {
    bool deleted = false;
    OBSCURA_TRY_STATUS(storage_.transaction([&](storage::Repositories& repos) -> Status {
        OBSCURA_TRY(asset, repos.images().findAsset(ownerId, id));
        if (!asset) return {};
        OBSCURA_TRY(gone, repos.images().deleteAsset(ownerId, id, false));
        if (!gone) return {};
        OBSCURA_TRY_STATUS(enqueueAssetFilesDeletion(repos, *asset, jobs_.clock()));
        deleted = true;
        return {};
    }));
    if (deleted) {
        jobs_.wake(kDeleteAssetFilesJob);
        bus_.publish(AssetDeleted{id, ownerId});
    }
    return deleted;
}

Expected<std::int64_t> AssetService::restore(const std::string& ownerId, const std::vector<std::string>& ids) {
    std::vector<std::string> restored;
    OBSCURA_TRY_STATUS(storage_.transaction([&](storage::Repositories& repos) -> Status {
        OBSCURA_TRY(done, repos.images().restoreAssets(ownerId, ids, formatRfc3339(jobs_.clock().nowUs())));
        restored = std::move(done);
        return {};
    }));
    for (const auto& id : restored) bus_.publish(AssetRestored{id, ownerId});
    return static_cast<std::int64_t>(restored.size());
}

Expected<std::int64_t> AssetService::deleteBatch(const std::vector<storage::AssetRecord>& batch, bool onlyIfTrashed) {
    std::vector<const storage::AssetRecord*> deleted;
    OBSCURA_TRY_STATUS(storage_.transaction([&](storage::Repositories& repos) -> Status {
        deleted.clear();  // a retried callback starts over
        for (const auto& asset : batch) {
            OBSCURA_TRY(gone, repos.images().deleteAsset(asset.ownerId, asset.id, onlyIfTrashed));
            if (!gone) continue;  // restored or deleted meanwhile
            OBSCURA_TRY_STATUS(enqueueAssetFilesDeletion(repos, asset, jobs_.clock()));
            deleted.push_back(&asset);
        }
        return {};
    }));
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
        storage::AssetPage page;
        OBSCURA_TRY_STATUS(storage_.run([&](storage::Repositories& repos) -> Status {
            OBSCURA_TRY(found, repos.images().listAssets(query));
            page = std::move(found);
            return {};
        }));
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
        std::vector<storage::AssetRecord> due;
        OBSCURA_TRY_STATUS(storage_.run([&](storage::Repositories& repos) -> Status {
            OBSCURA_TRY(found, repos.images().listTrashedBefore(cutoffUs, kDeleteBatch));
            due = std::move(found);
            return {};
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

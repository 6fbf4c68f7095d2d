#pragma once
// What the asset routes do beyond one repository call: each change in one transaction (with its outbox job
// where files must go), then the matching asset.* event on the bus once it committed. Handlers stay thin.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "obscura/base/expected.hpp"
#include "obscura/storage/asset_records.hpp"

namespace obscura {
class Bus;
class JobQueue;
namespace storage {
class Storage;
}
}  // namespace obscura

namespace obscura::images {

class AssetService {
public:
    AssetService(storage::Storage& storage, Bus& bus, JobQueue& jobs);

    // Called after an asset went to the trash (the purger uses it when trash is kept 0 days).
    void onTrashed(std::function<void()> callback) { onTrashed_ = std::move(callback); }

    // nullopt when the asset does not exist or is another owner's.
    Expected<std::optional<storage::AssetRecord>> find(const std::string& ownerId, const std::string& id);
    // The updated asset, or nullopt when it does not exist; publishes asset.updated.
    Expected<std::optional<storage::AssetRecord>> update(const std::string& ownerId, const std::string& id,
                                                         storage::AssetUpdate update);
    // False when the asset does not exist; trashing a trashed asset is a success that changes nothing.
    Expected<bool> trash(const std::string& ownerId, const std::string& id);
    // Removes the row and enqueues the removal of its files in one transaction; false when it did not exist.
    Expected<bool> deletePermanently(const std::string& ownerId, const std::string& id);
    // ids empty: the whole trash. Answers how many left the trash.
    Expected<std::int64_t> restore(const std::string& ownerId, const std::vector<std::string>& ids);
    // Permanently deletes everything in the owner's trash; answers how many.
    Expected<std::int64_t> emptyTrash(const std::string& ownerId);
    // Permanently deletes every owner's assets trashed before the cutoff; answers how many.
    Expected<std::int64_t> purgeTrashedBefore(std::int64_t cutoffUs);

private:
    // Deletes the given assets (still trashed, when onlyIfTrashed) with their file jobs in one transaction.
    Expected<std::int64_t> deleteBatch(const std::vector<storage::AssetRecord>& batch, bool onlyIfTrashed);

    storage::Storage& storage_;
    Bus& bus_;
    JobQueue& jobs_;
    std::function<void()> onTrashed_;
};

}  // namespace obscura::images

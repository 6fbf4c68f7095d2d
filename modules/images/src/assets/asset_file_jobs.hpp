#pragma once
// Durable removal of files whose rows are gone (DESIGN.md section 2, outbox): the job is enqueued in the same
// transaction that deletes the row(s), so a crash at any point still ends with the files removed — the job
// runs again after its lease expires, and removing an absent file is success (idempotent).
#include <string>

#include "obscura/base/expected.hpp"
#include "obscura/storage/asset_records.hpp"

namespace obscura {
class Clock;
namespace blobs {
class BlobStore;
}
class JobQueue;
namespace storage {
class Repositories;
}
}  // namespace obscura

namespace obscura::images {

// One asset: its original (storagePath) and its derivatives folder derived/<owner>/<asset>/.
inline constexpr const char* kDeleteAssetFilesJob = "images.deleteAssetFiles";
// One deleted user: library/<user>/ and derived/<user>/ entirely.
inline constexpr const char* kDeleteUserFilesJob = "images.deleteUserFiles";

// Registers both kinds; call from the module's constructor.
Status registerFileJobs(JobQueue& jobs, blobs::BlobStore& blobs);

// Enqueue inside the transaction that deletes the row(s). At most one job per asset / user ever (dedupe key).
Status enqueueAssetFilesDeletion(storage::Repositories& tx, const storage::AssetRecord& asset, const Clock& clock);
Status enqueueUserFilesDeletion(storage::Repositories& tx, const std::string& userId, const Clock& clock);

// The work itself, for the job handlers and tests, through the blob store. Invalid when a key is not one the
// server makes (never deletes another user's bytes); a store error other than "absent" fails (the job retries).
Status deleteAssetFiles(blobs::BlobStore& blobs, const std::string& ownerId, const std::string& assetId,
                        const std::string& storagePath);
Status deleteUserFiles(blobs::BlobStore& blobs, const std::string& userId);

}  // namespace obscura::images

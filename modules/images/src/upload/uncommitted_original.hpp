#pragma once
// An upload's original put into the blob store whose row never commits — the process was killed between the put
// and the commit, on any replica — must not stay an orphan (DESIGN §4, §9). Before the put the importer enqueues
// one durable job per asset, due after images.uploadCommitGraceSeconds; the transaction that commits the row
// settles it (JobsRepository::settleQueued), so normally it never runs. If it does run, the row never committed:
// it removes the original (and any derivative folder). The job rows are the fence: a commit that finds its job
// already claimed rolls back instead (the client's retry stores the upload again), so a row never loses its file.
#include <chrono>
#include <cstdint>
#include <string>

#include "obscura/base/expected.hpp"
#include "obscura/storage/job_records.hpp"

namespace obscura {
class JobQueue;
namespace blobs {
class BlobStore;
}
namespace storage {
class Storage;
}
}  // namespace obscura

namespace obscura::images {

inline constexpr const char* kUncommittedOriginalJob = "images.uncommittedOriginal";

// The job for one asset's original at storagePath, due at runAfterUs; deduplicated by the asset id.
storage::NewJob uncommittedOriginalJob(const std::string& ownerId, const std::string& assetId,
                                       const std::string& storagePath, std::int64_t runAfterUs);

// Registers the kind; call from the module's constructor.
Status registerUncommittedOriginalJob(JobQueue& jobs, storage::Storage& storage, blobs::BlobStore& blobs);

}  // namespace obscura::images

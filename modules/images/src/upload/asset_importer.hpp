#pragma once
// Turns a complete upload into an asset, in the order DESIGN.md section 4 requires:
//   duplicate check → metadata → fsync(file) → put into the blob store (local: rename into the library,
//   fsync(directories)) → one transaction: quota check, the row, the outbox job for media → (caller publishes
//   asset.created)
// A duplicate — the same bytes already stored for this owner, found before the rename or, when two identical
// uploads race, by the unique (owner, checksum) index — answers the existing asset and keeps nothing new.
// Any failure after the put removes the blob again. A crash between the put and the commit leaves a library blob
// without a row for at most the commit grace: a durable job enqueued before the put removes it unless the commit
// settled that job (uncommitted_original.hpp).
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "obscura/base/expected.hpp"
#include "obscura/formats/video_probe.hpp"
#include "obscura/images/asset_source.hpp"
#include "obscura/images/media_types.hpp"
#include "obscura/storage/asset_records.hpp"
#include "upload/upload_fields.hpp"
#include "upload/upload_temp_file.hpp"

namespace obscura {
class Clock;
}
namespace obscura::auth {
class Quota;
}
namespace obscura::storage {
class Storage;
}
namespace obscura::blobs {
class BlobStore;
}

namespace obscura::images {

// The outbox job media's worker picks up (payload {"assetId": …}); kinds nobody serves yet stay queued.

struct ImportedAsset {
    storage::AssetRecord asset;
    bool created = false;  // false: a duplicate, `asset` is the one already stored
};

class AssetImporter {
public:
    // tmpDir: absolute, on the data dir's file system (copies of remote blobs for ffprobe when reimporting).
    // quota may be null: no quota (fsck). The clock stamps createdAt (and takenAt when nothing else tells it).
    AssetImporter(storage::Storage& storage, blobs::BlobStore& blobs, std::string tmpDir, auth::Quota* quota,
                  const Clock& clock, formats::FfprobeOptions probe = {});

    // How long an original may wait for its row before uncommitted_original's job removes it (0: no such job).
    void setCommitGrace(std::chrono::seconds grace) { commitGrace_ = grace; }

    // An upload whose body is complete. The temp file is committed or removed, whatever happens. assetId: the id
    // chosen when the body began (its likely key was built from it), or empty for a new one.
    Expected<ImportedAsset> importUpload(const std::string& ownerId, UploadTempFile file, const MediaType& type,
                                         const std::string& clientFileName, const UploadFields& fields,
                                         const std::string& assetId = {});

    // `obscura fsck --reimport`: a library blob without a row, `relativePath` ("library/<owner>/…"), becomes
    // an asset of that owner where it lies. Sniffed and read like an upload (UnsupportedMediaType when it is
    // not an accepted file); a duplicate of an asset the owner has answers created = false and leaves the
    // file for the caller to move aside. No quota: the bytes are on the disk already.
    Expected<ImportedAsset> adoptLibraryFile(const std::string& ownerId, const std::string& relativePath);

private:
    // settleIntent: the row's commit settles the uncommitted-original job enqueued before the put.
    Expected<ImportedAsset> commitRow(const storage::AssetRecord& record, bool checkQuota, bool settleIntent = false);
    Expected<std::optional<storage::AssetRecord>> existing(const std::string& ownerId, const std::string& checksum);

    storage::Storage& storage_;
    blobs::BlobStore& blobs_;
    std::string tmpDir_;
    auth::Quota* quota_;
    const Clock& clock_;
    formats::FfprobeOptions probe_;
    std::chrono::seconds commitGrace_{0};
};

// The record an import writes, minus what only the caller knows (id, storagePath, times).
storage::AssetRecord newAssetRecord(const std::string& ownerId, const MediaType& type, std::int64_t sizeBytes,
                                    const std::string& checksum);

}  // namespace obscura::images

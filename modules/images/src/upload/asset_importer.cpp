#include "upload/asset_importer.hpp"

#include <algorithm>
#include <filesystem>

#include "assets/asset_metadata.hpp"
#include "library/library_layout.hpp"
#include "obscura/auth/quota.hpp"
#include "obscura/base/clock.hpp"
#include "obscura/base/ids.hpp"
#include "obscura/base/rfc3339.hpp"
#include "obscura/blobs/blob_store.hpp"
#include "obscura/formats/client_file_name.hpp"
#include "obscura/formats/content_sniffer.hpp"
#include "obscura/formats/sha1.hpp"
#include "obscura/kernel/blob_files.hpp"
#include "obscura/kernel/job_queue.hpp"
#include "obscura/kernel/log.hpp"
#include "obscura/kernel/storage_calls.hpp"
#include "obscura/storage/storage.hpp"
#include "upload/sidecar_metadata.hpp"
#include "upload/uncommitted_original.hpp"

namespace obscura::images {

namespace fs = std::filesystem;

namespace {

// A live photo's still and video are taken within this of each other when no identifier pairs them (DESIGN §12).
constexpr std::int64_t kLivePhotoWindowUs = 2'000'000;

// Takes a stored original back out of the library when its row did not commit. If even that fails, the blob
// is an orphan: counted at start-up, listed and repaired by `obscura fsck`.
bool removeLibraryBlob(blobs::BlobStore& blobs, const std::string& key) {
    if (auto removed = blobs.remove(key); !removed) {
        log::warn("images: cannot remove " + key + " after its row failed (" + removed.error().message +
                  "); `obscura fsck --repair` will move it to lost+found");
        return false;
    }
    return true;
}

Status checkQuotaIn(storage::Repositories& tx, auth::Quota& quota, const std::string& ownerId, std::int64_t size,
                    std::int64_t nowUs) {
    OBSCURA_TRY(limit, quota.quotaBytesIn(tx, ownerId));
    if (!limit) return {};
    OBSCURA_TRY(usage, tx.images().usage(ownerId, utcMonth(nowUs)));
    if (usage.bytesOriginals + size > *limit) {
        return Error(ErrorCode::QuotaExceeded,
                     "the file (" + std::to_string(size) + " bytes) does not fit in your storage quota (" +
                         std::to_string(*limit - usage.bytesOriginals) + " bytes left); nothing was kept");
    }
    return {};
}

storage::NewJob derivativesJob(const storage::AssetRecord& asset) {
    storage::NewJob job;
    job.id = newUuid();
    job.kind = kDerivativesJob;
    job.payload = std::string("{\"assetId\":\"") + asset.id + "\"}";  // a UUID: nothing to escape
    job.ownerId = asset.ownerId;
    job.assetId = asset.id;
    job.dedupeKey = asset.id;
    return job;  // createdAt and runAfterUs: now, from enqueueIn
}

void fillFromMetadata(storage::AssetRecord& record, const MediaMetadata& meta, const UploadFields& fields,
                      std::int64_t nowUs) {
    record.width = meta.width;
    record.height = meta.height;
    record.durationSeconds = meta.durationSeconds;
    record.exif = meta.exifJson;
    if (fields.latitude && fields.longitude)
        record.exif = exifWithLocation(record.exif, *fields.latitude, *fields.longitude);
    const Rfc3339 taken = chooseTakenAt(fields, meta, nowUs);
    record.takenAt = taken.text;
    record.takenAtUs = taken.utcUs;
    record.createdAtUs = nowUs;
    record.createdAt = formatRfc3339(nowUs);
    record.updatedAt = record.createdAt;
}

// The live-photo keys of a new row (asset_records.hpp): Apple's identifier, and the lower-cased original name
// without its extension for the name-and-time fallback.
void setLiveKeys(storage::AssetRecord& record, const MediaMetadata& meta, const MediaType& type) {
    if (!livePhotoCandidate(type)) return;
    record.liveContentId = meta.liveContentId;
    const std::string& name = record.originalFileName;
    std::string base = name.substr(0, std::min(name.rfind('.'), name.size()));
    for (char& c : base)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (!base.empty()) record.liveBaseName = base;
}

// Pairs a new still or video with its other half if that arrived first (either order works: whichever comes
// second finds the first). True when it is paired now. A partner another upload paired meanwhile (Conflict) is not
// an error: this one stays single.
Expected<bool> pairLivePhoto(storage::Repositories& tx, const storage::AssetRecord& record) {
    if (!record.liveContentId && !record.liveBaseName) return false;
    OBSCURA_TRY(partner, tx.images().findLivePartner(record, kLivePhotoWindowUs));
    if (!partner) return false;
    const bool isVideo = record.type == "video";
    auto linked =
        tx.images().linkLivePhoto(record.ownerId, isVideo ? partner->id : record.id, isVideo ? record.id : partner->id);
    if (!linked && linked.error().code == ErrorCode::Conflict) return false;
    OBSCURA_TRY_STATUS(std::move(linked));
    return true;
}

// SHA-1 and size of a whole blob, read in bounded chunks.
Expected<std::pair<std::string, std::int64_t>> hashBlob(blobs::BlobStore& blobs, const std::string& key) {
    OBSCURA_TRY(sha, formats::Sha1::create());
    std::int64_t size = 0;
    OBSCURA_TRY_STATUS(readBlob(blobs, key, {}, [&](std::string_view chunk) -> Status {
        sha.update(chunk);
        size += static_cast<std::int64_t>(chunk.size());
        return {};
    }));
    return std::make_pair(formats::toHex(sha.finish()), size);
}

}  // namespace

storage::AssetRecord newAssetRecord(const std::string& ownerId, const MediaType& type, std::int64_t sizeBytes,
                                    const std::string& checksum) {
    storage::AssetRecord record;
    record.ownerId = ownerId;
    record.type = type.type == AssetType::Image ? "image" : "video";
    record.mimeType = std::string(type.mimeType);
    record.sizeBytes = sizeBytes;
    record.checksum = checksum;
    return record;
}

AssetImporter::AssetImporter(storage::Storage& storage, blobs::BlobStore& blobs, std::string tmpDir, auth::Quota* quota,
                             const Clock& clock, formats::FfprobeOptions probe)
    : storage_(storage),
      blobs_(blobs),
      tmpDir_(std::move(tmpDir)),
      quota_(quota),
      clock_(clock),
      probe_(std::move(probe)) {}

Expected<std::optional<storage::AssetRecord>> AssetImporter::existing(const std::string& ownerId,
                                                                      const std::string& checksum) {
    return withRepos(
        storage_, [&](storage::Repositories& repos) { return repos.images().findAssetByChecksum(ownerId, checksum); });
}

Expected<ImportedAsset> AssetImporter::commitRow(const storage::AssetRecord& record, bool checkQuota,
                                                 bool settleIntent) {
    bool conflict = false;
    bool paired = false;
    auto status = storage_.transaction([&](storage::Repositories& tx) -> Status {
        if (checkQuota && quota_)
            OBSCURA_TRY_STATUS(checkQuotaIn(tx, *quota_, record.ownerId, record.sizeBytes, clock_.nowUs()));
        auto created = tx.images().createAsset(record);
        if (!created) {
            conflict = created.error().code == ErrorCode::Conflict;
            return created;
        }
        if (settleIntent) {
            OBSCURA_TRY(settled, tx.jobs().settleQueued(kUncommittedOriginalJob, record.id, "committed",
                                                        formatRfc3339(clock_.nowUs())));
            // Its job is already removing the original (the commit came later than the grace): no row without a file.
            if (!settled)
                return Error(ErrorCode::Unavailable, "the upload took too long to commit; send it again").retryAfter(1);
        }
        OBSCURA_TRY_STATUS(JobQueue::enqueueIn(tx, derivativesJob(record), clock_));
        // Within the row's own transaction first, so a pair is made exactly when the row exists.
        OBSCURA_TRY(pairedNow, pairLivePhoto(tx, record));
        paired = pairedNow;
        return {};
    });
    if (status) {
        // Still and video committed at once (concurrent uploads, `import --jobs`): under MySQL's repeatable read
        // each transaction may have missed the other's uncommitted row. Looking again after the commit, the later
        // of the two sees the earlier; linkLivePhoto's locks make the pair once. A plain read first: most stills
        // have no partner, and they take no write lock for it.
        if (!paired && (record.liveContentId || record.liveBaseName)) {
            auto partner = withRepos(storage_, [&](storage::Repositories& repos) {
                return repos.images().findLivePartner(record, kLivePhotoWindowUs);
            });
            std::string problem = partner ? "" : partner.error().message;
            if (partner && *partner) {
                auto again =
                    inTransaction(storage_, [&](storage::Repositories& tx) { return pairLivePhoto(tx, record); });
                if (!again) problem = again.error().message;
            }
            if (!problem.empty()) log::warn("images: " + record.id + " was not paired as a live photo: " + problem);
        }
        return ImportedAsset{record, true};
    }
    if (conflict) {
        // Most likely an identical upload committed first: the unique (owner, checksum) index decided.
        OBSCURA_TRY(winner, existing(record.ownerId, record.checksum));
        if (winner) return ImportedAsset{std::move(*winner), false};
    }
    return std::move(status).error();
}

Expected<ImportedAsset> AssetImporter::importUpload(const std::string& ownerId, UploadTempFile file,
                                                    const MediaType& type, const std::string& clientFileName,
                                                    const UploadFields& fields, const std::string& assetId) {
    // Returning before the commit drops `file`, which removes the temp file.
    const std::string checksum = formats::toHex(file.digest());
    const auto size = static_cast<std::int64_t>(file.size());
    if (fields.fileSize && *fields.fileSize != size) {
        return badRequest("the file part has " + std::to_string(size) + " bytes but fileSize says " +
                          std::to_string(*fields.fileSize) + "; nothing was kept");
    }
    OBSCURA_TRY(duplicate, existing(ownerId, checksum));
    if (duplicate) return ImportedAsset{std::move(*duplicate), false};

    OBSCURA_TRY(meta, readMediaMetadata(file.path(), type, probe_));
    storage::AssetRecord record = newAssetRecord(ownerId, type, size, checksum);
    record.id = assetId.empty() ? newUuid() : assetId;
    record.originalFileName = clientFileName;
    record.title = fields.title;
    record.description = fields.description;
    record.tags = fields.tags;
    record.isFavorite = fields.isFavorite;
    record.deviceAssetId = fields.deviceAssetId;
    record.deviceId = fields.deviceId;
    applySidecar(fields, record, meta);  // wins over the file's EXIF, not over the form's own fields
    fillFromMetadata(record, meta, fields, clock_.nowUs());
    setLiveKeys(record, meta, type);
    record.storagePath = libraryPath(ownerId, record.id, record.takenAt, type);

    const bool intent = commitGrace_.count() > 0;
    if (intent) {
        // Durable before the put: whatever happens next, the original cannot outlive a row that never commits.
        const auto due = clock_.nowUs() + std::chrono::duration_cast<std::chrono::microseconds>(commitGrace_).count();
        OBSCURA_TRY_STATUS(storage_.run([&](storage::Repositories& repos) -> Status {
            OBSCURA_TRY_STATUS(JobQueue::enqueueIn(
                repos, uncommittedOriginalJob(ownerId, record.id, record.storagePath, due), clock_));
            return {};
        }));
    }
    // A failed upload leaves nothing, not even its intent job: once the original is known to be gone here, the
    // job that would have removed it is settled too (if the removal failed, the job stays and does it later).
    auto abandon = [&] {
        if (!intent) return;
        auto settled = storage_.run([&](storage::Repositories& repos) -> Status {
            OBSCURA_TRY(done, repos.jobs().settleQueued(kUncommittedOriginalJob, record.id, "abandoned",
                                                        formatRfc3339(clock_.nowUs())));
            (void)done;
            return {};
        });
        if (!settled)
            log::warn("images: cannot settle the intent job of " + record.id + ": " + settled.error().message);
    };
    if (auto put = file.putInto(blobs_, record.storagePath); !put) {
        abandon();
        return std::move(put).error();
    }
    auto imported = commitRow(record, true, intent);
    if ((!imported || !imported->created) && removeLibraryBlob(blobs_, record.storagePath)) abandon();
    return imported;
}

Expected<ImportedAsset> AssetImporter::adoptLibraryFile(const std::string& ownerId, const std::string& relativePath) {
    OBSCURA_TRY(head, readBlobHead(blobs_, relativePath, formats::kSniffBytes));
    OBSCURA_TRY(type, sniffMediaType(head));
    OBSCURA_TRY(hashed, hashBlob(blobs_, relativePath));
    const auto& [checksum, size] = hashed;
    OBSCURA_TRY(duplicate, existing(ownerId, checksum));
    if (duplicate) return ImportedAsset{std::move(*duplicate), false};

    // EXIF and ffprobe read files: the blob's own (local store) or a temp copy.
    OBSCURA_TRY(file, BlobFile::open(blobs_, relativePath, tmpDir_));
    OBSCURA_TRY(meta, readMediaMetadata(file.path(), *type, probe_));
    const fs::path path(relativePath);
    storage::AssetRecord record = newAssetRecord(ownerId, *type, size, checksum);
    // A crash between rename and commit leaves <asset-id>.<ext>: the asset gets the id it was meant to have.
    const std::string stem = path.stem().string();
    record.id = isUuid(stem) ? stem : newUuid();
    record.originalFileName = formats::sanitizeClientFileName(path.filename().string());
    record.storagePath = relativePath;
    fillFromMetadata(record, meta, UploadFields{}, clock_.nowUs());
    setLiveKeys(record, meta, *type);
    auto imported = commitRow(record, false);
    if (!imported && imported.error().code == ErrorCode::Conflict && record.id == stem) {
        record.id = newUuid();  // that id is taken by a row whose file lies elsewhere
        imported = commitRow(record, false);
    }
    return imported;
}

}  // namespace obscura::images

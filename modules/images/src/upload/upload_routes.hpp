#pragma once
// POST /api/assets (Immich): the streamed multipart upload (DESIGN.md section 3).
#include <cstdint>
#include <optional>
#include <string>

#include "obscura/images/media_types.hpp"
#include "obscura/kernel/route.hpp"
#include "upload/asset_importer.hpp"
#include "upload/upload_fields.hpp"
#include "upload/upload_temp_file.hpp"

namespace obscura {
class Bus;
class CircuitBreaker;
class JobQueue;
namespace auth {
class Quota;
}
namespace storage {
class Storage;
class Repositories;
}  // namespace storage
namespace blobs {
class BlobStore;
}
}  // namespace obscura

namespace obscura::images {

struct UploadDeps {
    storage::Storage& storage;
    AssetImporter& importer;
    auth::Quota& quota;
    Bus& bus;
    JobQueue& jobs;
    std::string tmpDir;            // where bodies stream to (library_layout.hpp: uploadTmpDir)
    std::uint64_t maxUploadBytes;  // images.maxUploadBytes: the route's body limit (413 above)
    blobs::BlobStore& blobs;       // where a body is staged while it arrives (UploadSinkOptions::blobs)
    // The blob store's breaker (s3), or null: while it is open an upload is refused with 503 + Retry-After before
    // its body is read, instead of taking gigabytes into tmp/ that could not be stored.
    const CircuitBreaker* storeCircuit = nullptr;
};

// Before the body: the blob store's circuit (503), Content-Type (415/400), Immich's x-immich-checksum naming an
// asset the caller has (200 {status:"duplicate", id, …asset} and the body is never read), and the quota (507:
// nothing left, or a Content-Length that cannot fit). While it streams: framing (400), the file's type (415), the
// quota again (507). Then the import (asset_importer.hpp), asset.created, and 201 {id, status:"created", …asset}
// or 200 {…, status:"duplicate"}.
Route uploadRoute(UploadDeps& deps);

// How many bytes userId may still store (nullopt: no quota); QuotaExceeded when nothing is left, or when
// `announced` bytes (plus `allowance`) cannot fit.
Expected<std::optional<std::int64_t>> remainingQuota(UploadDeps& deps, const std::string& userId,
                                                     std::optional<std::int64_t> announced, std::int64_t allowance);

// The import every upload ends in — POST /api/assets and the last byte of a resumable upload (DESIGN.md section
// 10): the album check (404/403), AssetImporter::importUpload (sniffed type, dedup, EXIF, quota), asset.created
// and the derivatives job, then the album. The file is committed or removed, whatever happens.
Expected<ImportedAsset> importCompleteFile(UploadDeps& deps, const std::string& userId, UploadTempFile file,
                                           const MediaType& type, const std::string& clientFileName,
                                           const UploadFields& fields, const std::string& assetId = {});

// Adds the owner's asset to an album the caller was found allowed to add to (an upload's album, a duplicate's
// too). An album gone meanwhile is no error.
Status joinAlbum(storage::Repositories& repos, const std::string& ownerId, const std::string& albumId,
                 const std::string& assetId, std::int64_t nowUs);

// importCompleteFile answered the way POST /api/assets answers — 201 {…asset, status:"created"} or 200 {…,
// status:"duplicate"} with its Location — shared by POST /api/assets and the direct upload's confirm
// (direct_upload_service.hpp).
Expected<Response> importUploadedFile(UploadDeps& deps, const std::string& userId, UploadTempFile file,
                                      const MediaType& type, const std::string& clientFileName,
                                      const UploadFields& fields, const std::string& assetId = {});
// The request's Content-Length, nullopt when absent or not a whole number.
std::optional<std::int64_t> contentLength(const Request& req);
// POST /api/assets/bulk-upload-check (bulk_check_routes.cpp).
Route bulkUploadCheckRoute(storage::Storage& storage);

}  // namespace obscura::images

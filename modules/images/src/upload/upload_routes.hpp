#pragma once
// POST /api/assets (Immich): the streamed multipart upload (DESIGN.md section 3).
#include <cstdint>
#include <optional>
#include <string>

#include "obscura/images/media_types.hpp"
#include "obscura/kernel/route.hpp"
#include "upload/upload_fields.hpp"
#include "upload/upload_temp_file.hpp"

namespace obscura {
class Bus;
class JobQueue;
namespace auth {
class Quota;
}
namespace storage {
class Storage;
}
}  // namespace obscura

namespace obscura::images {

class AssetImporter;

struct UploadDeps {
    storage::Storage& storage;
    AssetImporter& importer;
    auth::Quota& quota;
    Bus& bus;
    JobQueue& jobs;
    std::string tmpDir;            // where bodies stream to (library_layout.hpp: uploadTmpDir)
    std::uint64_t maxUploadBytes;  // images.maxUploadBytes: the route's body limit (413 above)
};

// Before the body: Content-Type (415/400) and the quota (507: nothing left, or a Content-Length that cannot
// fit). While it streams: framing (400), the file's type (415), the quota again (507). Then the import
// (asset_importer.hpp), asset.created, and 201 {id, status:"created", …asset} or 200 {…, status:"duplicate"}.
Route uploadRoute(UploadDeps& deps);
// The import of a finished upload, shared by POST /api/assets and the direct upload's confirm
// (direct_upload_service.hpp): the album's permission (404/403), the import (duplicate check, quota, metadata,
// the row, media's job), asset.created, the album's membership, and 201 {…asset, status:"created"} or 200
// {…, status:"duplicate"}.
Expected<Response> importUploadedFile(UploadDeps& deps, const std::string& userId, UploadTempFile file,
                                      const MediaType& type, const std::string& clientFileName,
                                      const UploadFields& fields);
// How many bytes userId may still store (nullopt: no quota). QuotaExceeded when nothing is left or when
// `announced` bytes cannot fit within the rest plus `allowance` (a multipart body's framing).
Expected<std::optional<std::int64_t>> remainingQuota(UploadDeps& deps, const std::string& userId,
                                                     std::optional<std::int64_t> announced, std::int64_t allowance);
// The request's Content-Length, nullopt when absent or not a whole number.
std::optional<std::int64_t> contentLength(const Request& req);
// POST /api/assets/bulk-upload-check (bulk_check_routes.cpp).
Route bulkUploadCheckRoute(storage::Storage& storage);

}  // namespace obscura::images

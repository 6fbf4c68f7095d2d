#pragma once
// POST /api/assets (Immich): the streamed multipart upload (DESIGN.md section 3).
#include <cstdint>
#include <string>

#include "obscura/kernel/route.hpp"

namespace obscura {
class Bus;
class JobQueue;
namespace auth {
class Quota;
}
namespace storage {
class Storage;
}
namespace blobs {
class BlobStore;
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
    blobs::BlobStore& blobs;       // where a body is staged while it arrives (UploadSinkOptions::blobs)
};

// Before the body: Content-Type (415/400) and the quota (507: nothing left, or a Content-Length that cannot
// fit). While it streams: framing (400), the file's type (415), the quota again (507). Then the import
// (asset_importer.hpp), asset.created, and 201 {id, status:"created", …asset} or 200 {…, status:"duplicate"}.
Route uploadRoute(UploadDeps& deps);
// POST /api/assets/bulk-upload-check (bulk_check_routes.cpp).
Route bulkUploadCheckRoute(storage::Storage& storage);

}  // namespace obscura::images

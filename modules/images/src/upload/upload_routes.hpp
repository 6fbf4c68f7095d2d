#pragma once
// POST /api/assets (Immich): the streamed multipart upload (DESIGN.md section 3).
#include <cstdint>
#include <string>

#include "obscura/kernel/route.hpp"

namespace obscura {
class Bus;
class CircuitBreaker;
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
    // The blob store's breaker (s3), or null: while it is open an upload is refused with 503 + Retry-After before
    // its body is read, instead of taking gigabytes into tmp/ that could not be stored.
    const CircuitBreaker* storeCircuit = nullptr;
};

// Before the body: the blob store's circuit (503), Content-Type (415/400) and the quota (507: nothing left, or a
// Content-Length that cannot fit). While it streams: framing (400), the file's type (415), the quota again (507). Then
// the import (asset_importer.hpp), asset.created, and 201 {id, status:"created", …asset} or 200 {…,
// status:"duplicate"}.
Route uploadRoute(UploadDeps& deps);
// POST /api/assets/bulk-upload-check (bulk_check_routes.cpp).
Route bulkUploadCheckRoute(storage::Storage& storage);

}  // namespace obscura::images

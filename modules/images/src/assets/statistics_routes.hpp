#pragma once
#include "obscura/kernel/route.hpp"

namespace obscura::storage {
class Storage;
}

namespace obscura::images {

// GET /api/assets/statistics (Immich) → {images, videos, total} of the caller's live assets.
Route statisticsRoute(storage::Storage& storage);
// GET /api/server/media-types (Immich) → {image:[…], video:[…], sidecar:[]} from the accepted-types table.
Route mediaTypesRoute();

}  // namespace obscura::images

#pragma once
// POST /api/assets/{id}/conversions, GET /api/assets/{id}/conversions/{format}, GET /api/jobs/{id}.
#include <vector>

#include "obscura/kernel/route.hpp"

namespace obscura {
class JobQueue;
namespace storage {
class Storage;
}
namespace blobs {
class BlobStore;
}
}  // namespace obscura
namespace obscura::images {
class AssetSource;
}

namespace obscura::media {

struct ConversionRouteDeps {
    images::AssetSource& assets;
    JobQueue& jobs;
    storage::Storage& storage;
    blobs::BlobStore& blobs;
};

std::vector<Route> conversionRoutes(ConversionRouteDeps& deps);

}  // namespace obscura::media

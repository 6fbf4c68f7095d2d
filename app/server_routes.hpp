#pragma once
#include <string>

#include "obscura/base/expected.hpp"

namespace obscura {

class Router;
class Metrics;
class EventRelay;
namespace storage {
class Storage;
}
namespace blobs {
class BlobStore;
}

// The server's own routes: /healthz, /readyz, /metrics, /api/openapi.json, /api/server/version|ping,
// /.well-known/immich. Registered after the modules so the OpenAPI document covers every route.
Status addServerRoutes(Router& router, storage::Storage& storage, blobs::BlobStore& blobs, Metrics& metrics,
                       std::string dataDir, EventRelay* relay = nullptr);

}  // namespace obscura

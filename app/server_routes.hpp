#pragma once
#include <atomic>
#include <memory>
#include <string>

#include "obscura/base/expected.hpp"

namespace obscura {

class Router;
class Metrics;
class CircuitRegistry;
class EventRelay;
namespace storage {
class Storage;
}
namespace blobs {
class BlobStore;
}

// The server's own routes: /healthz, /readyz, /metrics, /api/openapi.json, /api/server/version|ping,
// /.well-known/immich. Registered after the modules so the OpenAPI document covers every route.
// With replicas (DESIGN §9): /readyz answers 503 `draining` once `draining` is set (SIGTERM: the load balancer
// stops sending new requests while in-flight ones finish), lists every registered circuit breaker's state and how
// events relay (relay may be null) in its body; /metrics publishes obscura_circuit_state first.
struct ServerRouteDeps {
    storage::Storage& storage;
    blobs::BlobStore& blobs;
    Metrics& metrics;
    CircuitRegistry& circuits;
    std::shared_ptr<const std::atomic<bool>> draining;
    std::string dataDir;
    EventRelay* relay = nullptr;
};
Status addServerRoutes(Router& router, ServerRouteDeps deps);

}  // namespace obscura

#include "server_routes.hpp"

#include <nlohmann/json.hpp>

#include "app.hpp"
#include "data_dir.hpp"
#include "obscura/blobs/blob_store.hpp"
#include "obscura/kernel/circuit_registry.hpp"
#include "obscura/kernel/event_relay.hpp"
#include "obscura/kernel/metrics.hpp"
#include "obscura/kernel/router.hpp"
#include "obscura/storage/storage.hpp"
#include "openapi.hpp"

namespace obscura {
namespace {

nlohmann::json versionJson() {
    auto v = std::string(obscuraVersion());
    int parts[3] = {0, 0, 0};
    std::sscanf(v.c_str(), "%d.%d.%d", &parts[0], &parts[1], &parts[2]);
    return {{"major", parts[0]}, {"minor", parts[1]}, {"patch", parts[2]}};
}

// {"s3":"closed","smtp":"open",…}: a dependency with an open circuit does not make the replica unready (every
// replica shares it, so failing them all would turn one broken dependency into a full outage); the blob store
// and the database are pinged themselves.
nlohmann::json circuitsJson(const CircuitRegistry& circuits) {
    auto out = nlohmann::json::object();
    for (const auto& c : circuits.snapshot()) out[c.dependency] = std::string(circuitStateName(c.state));
    return out;
}

}  // namespace

Status addServerRoutes(Router& router, ServerRouteDeps deps) {
    auto& storage = deps.storage;
    auto& blobs = deps.blobs;
    auto& metrics = deps.metrics;
    auto& circuits = deps.circuits;
    auto draining = deps.draining;
    const std::string dataDir = deps.dataDir;
    EventRelay* relay = deps.relay;
    // Generated once, after every route is registered: the route table cannot change while serving.
    auto document = std::make_shared<std::string>();
    const Route routes[] = {
        {.method = Method::Get,
         .pattern = "/healthz",
         .auth = AuthPolicy::Anonymous,
         .module = "server",
         .summary = "Liveness: the process answers",
         .handler = [](Request&) -> Expected<Response> { return Response::json(200, R"({"status":"ok"})"); }},
        {.method = Method::Get,
         .pattern = "/readyz",
         .auth = AuthPolicy::Anonymous,
         .module = "server",
         .summary = "Readiness: not draining, storage and blob store reachable, data directory writable; circuits and "
                    "how events relay",
         .handler = [&storage, &blobs, &circuits, draining, dataDir, relay](Request&) -> Expected<Response> {
             if (draining && draining->load())
                 return Error(ErrorCode::Unavailable, "draining: the server is shutting down", "draining");
             if (auto s = storage.ping(); !s)
                 return Error(ErrorCode::Unavailable, "storage unreachable: " + s.error().message, "not_ready");
             if (auto s = blobs.ping(); !s)
                 return Error(ErrorCode::Unavailable,
                              "blob store '" + std::string(blobs.name()) + "' unreachable: " + s.error().message,
                              "not_ready");
             if (auto s = probeWritable(dataDir); !s)
                 return Error(ErrorCode::Unavailable, s.error().message, "not_ready");
             nlohmann::json body = {{"status", "ready"}, {"circuits", circuitsJson(circuits)}};
             // A broker that is away does not make the replica unready: events relay through the database.
             if (relay != nullptr) {
                 const auto h = relay->health();
                 body["events"] = {{"broker", h.broker},
                                   {"brokerUp", h.brokerUp},
                                   {"circuit", std::string(circuitStateName(h.circuit))},
                                   {"detail", h.detail}};
             }
             return Response::json(200, body.dump());
         }},
        {.method = Method::Get,
         .pattern = "/metrics",
         .auth = AuthPolicy::Anonymous,
         .module = "server",
         .summary = "Prometheus metrics",
         .handler = [&metrics, &circuits](Request&) -> Expected<Response> {
             circuits.publish();
             return Response::text(200, metrics.serialize(), "text/plain; version=0.0.4; charset=utf-8");
         }},
        {.method = Method::Get,
         .pattern = "/api/server/version",
         .auth = AuthPolicy::Anonymous,
         .module = "server",
         .summary = "Server version (Immich)",
         .handler = [](Request&) -> Expected<Response> { return Response::json(200, versionJson().dump()); }},
        {.method = Method::Get,
         .pattern = "/api/server/ping",
         .auth = AuthPolicy::Anonymous,
         .module = "server",
         .summary = "Ping (Immich)",
         .handler = [](Request&) -> Expected<Response> { return Response::json(200, R"({"res":"pong"})"); }},
        {.method = Method::Get,
         .pattern = "/.well-known/immich",
         .auth = AuthPolicy::Anonymous,
         .module = "server",
         .summary = "API discovery (Immich)",
         .handler = [](Request&) -> Expected<Response> {
             return Response::json(200, R"({"api":{"endpoint":"/api"}})");
         }},
        {.method = Method::Get,
         .pattern = "/api/openapi.json",
         .auth = AuthPolicy::Anonymous,
         .module = "server",
         .summary = "This OpenAPI document, generated from the route table",
         .handler = [document](Request&) -> Expected<Response> { return Response::json(200, *document); }},
    };
    for (const Route& route : routes) OBSCURA_TRY_STATUS(router.add(route));
    *document = openApiDocument(router, std::string(obscuraVersion()));
    return {};
}

}  // namespace obscura

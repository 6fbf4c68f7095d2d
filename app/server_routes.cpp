#include "server_routes.hpp"

#include <nlohmann/json.hpp>

#include "app.hpp"
#include "data_dir.hpp"
#include "obscura/kernel/metrics.hpp"
#include "obscura/kernel/router.hpp"
#include "obscura/storage/storage.hpp"
#include "openapi.hpp"

namespace obscura {
namespace {

Route anonymousGet(std::string pattern, std::string summary, Handler handler) {
    Route r;
    r.method = Method::Get;
    r.pattern = std::move(pattern);
    r.auth = AuthPolicy::Anonymous;
    r.module = "server";
    r.summary = std::move(summary);
    r.handler = std::move(handler);
    return r;
}

nlohmann::json versionJson() {
    auto v = std::string(obscuraVersion());
    int parts[3] = {0, 0, 0};
    std::sscanf(v.c_str(), "%d.%d.%d", &parts[0], &parts[1], &parts[2]);
    return {{"major", parts[0]}, {"minor", parts[1]}, {"patch", parts[2]}};
}

}  // namespace

Status addServerRoutes(Router& router, storage::Storage& storage, Metrics& metrics, std::string dataDir) {
    OBSCURA_TRY_STATUS(router.add(anonymousGet("/healthz", "Liveness: the process answers", [](Request&) -> Expected<Response> {
        return Response::json(200, R"({"status":"ok"})");
    })));
    OBSCURA_TRY_STATUS(router.add(anonymousGet(
        "/readyz", "Readiness: storage reachable and data directory writable",
        [&storage, dataDir](Request&) -> Expected<Response> {
            if (auto s = storage.ping(); !s)
                return Error(ErrorCode::Unavailable, "storage unreachable: " + s.error().message, "not_ready");
            if (auto s = probeWritable(dataDir); !s)
                return Error(ErrorCode::Unavailable, s.error().message, "not_ready");
            return Response::json(200, R"({"status":"ready"})");
        })));
    OBSCURA_TRY_STATUS(router.add(anonymousGet("/metrics", "Prometheus metrics", [&metrics](Request&) -> Expected<Response> {
        return Response::text(200, metrics.serialize(), "text/plain; version=0.0.4; charset=utf-8");
    })));
    OBSCURA_TRY_STATUS(router.add(anonymousGet("/api/server/version", "Server version (Immich)", [](Request&) -> Expected<Response> {
        return Response::json(200, versionJson().dump());
    })));
    OBSCURA_TRY_STATUS(router.add(anonymousGet("/api/server/ping", "Ping (Immich)", [](Request&) -> Expected<Response> {
        return Response::json(200, R"({"res":"pong"})");
    })));
    OBSCURA_TRY_STATUS(router.add(anonymousGet("/.well-known/immich", "API discovery (Immich)", [](Request&) -> Expected<Response> {
        return Response::json(200, R"({"api":{"endpoint":"/api"}})");
    })));
    // Generated once, after every route is registered: the route table cannot change while serving.
    auto document = std::make_shared<std::string>();
    OBSCURA_TRY_STATUS(router.add(anonymousGet("/api/openapi.json", "This OpenAPI document, generated from the route table",
                                               [document](Request&) -> Expected<Response> {
                                                   return Response::json(200, *document);
                                               })));
    *document = openApiDocument(router, std::string(obscuraVersion()));
    return {};
}

}  // namespace obscura

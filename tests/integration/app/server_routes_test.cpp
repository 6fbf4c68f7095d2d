#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "app_fixture.hpp"
#include "http_client.hpp"
#include "obscura/kernel/router.hpp"
#include "obscura/storage/storage.hpp"

using namespace obscura;
using namespace obscura::test;
using nlohmann::json;

TEST_SUITE("app.server_routes") {
    TEST_CASE("health, readiness, version, ping and Immich discovery answer as DESIGN.md says") {
        AppFixture fx;
        HttpClient http(fx.port());
        auto health = http.get("/healthz");
        CHECK(health.status == 200);
        CHECK(json::parse(health.body)["status"] == "ok");
        auto ready = http.get("/readyz");
        CHECK(ready.status == 200);
        CHECK(json::parse(ready.body)["status"] == "ready");
        auto version = json::parse(http.get("/api/server/version").body);
        CHECK(version == json{{"major", 0}, {"minor", 1}, {"patch", 0}});
        CHECK(json::parse(http.get("/api/server/ping").body) == json{{"res", "pong"}});
        CHECK(json::parse(http.get("/.well-known/immich").body) == json{{"api", {{"endpoint", "/api"}}}});
        CHECK(http.connectionsOpened() == 1);  // all on one kept-alive connection
    }

    TEST_CASE("an unknown /api path is a 404 JSON error carrying the request id") {
        AppFixture fx;
        HttpClient http(fx.port());
        auto r = http.get("/api/no/such/thing", {{"X-Request-Id", "trace-42"}});
        CHECK(r.status == 404);
        CHECK(r.header("Content-Type").value_or("").find("application/json") == 0);
        auto body = json::parse(r.body);
        CHECK(body["error"]["code"] == "not_found");
        CHECK(body["error"]["requestId"] == "trace-42");
        CHECK(r.header("X-Request-Id") == std::optional<std::string>("trace-42"));
        for (const char* path : {"/healthz/x", "/metrics/x", "/readyz/x"}) CHECK(http.get(path).status == 404);
    }

    TEST_CASE("/metrics counts requests by route and status in Prometheus text") {
        AppFixture fx;
        HttpClient http(fx.port());
        for (int i = 0; i < 3; ++i) REQUIRE(http.get("/healthz").status == 200);
        REQUIRE(http.get("/api/nope").status == 404);
        auto metrics = http.get("/metrics");
        CHECK(metrics.status == 200);
        CHECK(metrics.header("Content-Type").value_or("").find("text/plain") == 0);
        CHECK(metrics.body.find(R"(obscura_http_requests_total{method="GET",route="/healthz",status="200"} 3)") !=
              std::string::npos);
        CHECK(metrics.body.find(R"(route="unmatched",status="404")") != std::string::npos);
        CHECK(metrics.body.find("obscura_http_request_duration_seconds_bucket") != std::string::npos);
    }

    TEST_CASE("the OpenAPI document is generated from the whole route table") {
        AppFixture fx;
        HttpClient http(fx.port());
        auto doc = json::parse(http.get("/api/openapi.json").body);
        CHECK(doc["openapi"] == "3.0.3");
        std::size_t operations = 0;
        for (const auto& [path, methods] : doc["paths"].items()) operations += methods.size();
        CHECK(operations == fx.app().router().routes().size());
        for (const Route* route : fx.app().router().routes()) {
            std::string method(methodName(route->method));
            for (auto& c : method) c = static_cast<char>(std::tolower(c));
            INFO(route->pattern);
            REQUIRE(doc["paths"].contains(route->pattern));
            CHECK(doc["paths"][route->pattern][method]["x-obscura-auth"] == std::string(authPolicyName(route->auth)));
        }
        CHECK(doc["paths"]["/api/admin/jobs"]["get"]["x-obscura-auth"] == "admin");
        // Direct upload's bodies are spelled out: the JSON asked for, the URL answered, the raw PUT.
        const auto& uploadUrl = doc["paths"]["/api/assets/upload-url"]["post"];
        CHECK(uploadUrl["requestBody"]["content"]["application/json"]["schema"]["required"] ==
              json::array({"filename", "sizeBytes"}));
        CHECK(uploadUrl["responses"]["201"]["content"]["application/json"]["schema"]["properties"].contains("url"));
        const auto& put = doc["paths"]["/api/uploads/direct/{uploadId}"]["put"];
        CHECK(put["x-obscura-auth"] == "anonymous");
        CHECK(put["requestBody"]["content"].contains("application/octet-stream"));
        CHECK(doc["paths"].contains("/api/assets/upload-url/{uploadId}/confirm"));
    }

    TEST_CASE("each module is loaded with its migration and answers its first route") {
        AppFixture fx;
        for (const char* module : {"kernel", "auth", "images", "media"}) {
            auto version = fx.app().storage().schemaVersion(module);
            REQUIRE(version.ok());
            CHECK_MESSAGE(*version >= 1, module);
        }
        HttpClient http(fx.port());
        auto setup = json::parse(http.get("/api/auth/setup").body);
        CHECK(setup == json{{"setupRequired", true}, {"registration", "open"}, {"oidc", {{"enabled", false}}}});
        auto types = json::parse(http.get("/api/server/media-types").body);
        auto has = [&](const char* kind, const char* ext) {
            for (const auto& e : types[kind])
                if (e == ext) return true;
            return false;
        };
        CHECK(has("image", ".jpg"));
        CHECK(has("image", ".heic"));
        CHECK(has("video", ".mp4"));
        // TIFF, camera RAW and XMP sidecars are accepted since issue 23 (DESIGN.md section 12).
        CHECK(has("image", ".tiff"));
        CHECK(has("image", ".dng"));
        CHECK(has("image", ".cr3"));
        CHECK(types["sidecar"] == json::array({".xmp"}));
        auto features = json::parse(http.get("/api/server/features").body);
        CHECK(features["trash"] == true);
        CHECK(features.contains("videoConversion"));
        CHECK(features["email"] == false);
    }

    TEST_CASE("auth.registration=closed is reported even before the first user") {
        AppFixture fx(std::map<std::string, std::string>{{"auth.registration", "closed"}});
        HttpClient http(fx.port());
        CHECK(json::parse(http.get("/api/auth/setup").body)["registration"] == "closed");
    }

    TEST_CASE("routes that need a user or an admin answer 401 with WWW-Authenticate when nobody signed in") {
        AppFixture fx;
        HttpClient http(fx.port());
        for (const char* path : {"/api/assets/statistics", "/api/admin/jobs"}) {
            auto r = http.get(path);
            INFO(path);
            CHECK(r.status == 401);
            CHECK(r.hasHeader("WWW-Authenticate"));
            CHECK(json::parse(r.body)["error"]["code"] == "unauthenticated");
        }
        auto retry = http.request("POST", "/api/admin/jobs/retry", {{"Content-Type", "application/json"}}, "{}");
        CHECK(retry.status == 401);
    }
}

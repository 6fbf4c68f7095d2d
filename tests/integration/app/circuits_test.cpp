// Circuit breakers seen from outside (DESIGN §9): /readyz detail and obscura_circuit_state list every dependency's
// breaker; with the S3 gateway cut off the store's circuit opens and an upload is refused with 503 + Retry-After
// before its body is read, and everything works again once the gateway is back.
#include <doctest/doctest.h>

#include <cstdlib>
#include <nlohmann/json.hpp>
#include <thread>

#include "api_session.hpp"
#include "app_fixture.hpp"
#include "http_client.hpp"
#include "s3_test_blobs.hpp"
#include "tcp_forwarder.hpp"
#include "test_support.hpp"

using namespace obscura::test;
using namespace std::chrono_literals;

namespace {

std::string uploadBody(const std::string& bytes) {
    return std::string(
               "--circuit-boundary\r\nContent-Disposition: form-data; name=\"assetData\"; filename=\"p.jpg\"\r\n"
               "Content-Type: image/jpeg\r\n\r\n") +
           bytes + "\r\n--circuit-boundary--\r\n";
}

HttpResponse upload(HttpClient& http, const std::string& access, const std::string& bytes) {
    auto headers = bearer(access);
    headers.emplace_back("Content-Type", "multipart/form-data; boundary=circuit-boundary");
    return http.request("POST", "/api/assets", headers, uploadBody(bytes));
}

std::string photo(const TempDir& dir, int seed) {
    const std::string v = dir / ("p" + std::to_string(seed) + ".v");
    const std::string jpg = dir / ("p" + std::to_string(seed) + ".jpg");
    REQUIRE(run({"vips", "gaussnoise", v, "300", "200", "--mean", std::to_string(80 + seed)}).exitCode == 0);
    REQUIRE(run({"vips", "jpegsave", v, jpg}).exitCode == 0);
    return readFile(jpg);
}

}  // namespace

TEST_SUITE("app.circuits") {
    TEST_CASE("/readyz detail and /metrics list the circuit of every configured dependency") {
        // SMTP pointed at a closed port: configured, so its breaker is registered.
        AppFixture fx({{"media.smtp.host", "127.0.0.1"}, {"media.smtp.port", "9"}, {"media.smtp.tls", "none"}});
        HttpClient http(fx.port());
        auto ready = http.get("/readyz");
        REQUIRE(ready.status == 200);
        auto circuits = nlohmann::json::parse(ready.body)["circuits"];
        CHECK(circuits["smtp"] == "closed");
        CHECK(circuits.contains("s3") == (blobsUnderTest() == "s3"));
        const std::string metrics = http.get("/metrics").body;
        CHECK(metrics.find("obscura_circuit_state{dependency=\"smtp\"} 0") != std::string::npos);
    }

    TEST_CASE("S3 unreachable: the circuit opens, uploads get 503 + Retry-After before the body, then recover") {
        if (blobsUnderTest() != "s3") {
            MESSAGE("S3 circuit NOT tested here: runs in the _s3 twin");
            return;
        }
        // The gateway's "http://host:port" behind a proxy this test can cut.
        const std::string endpoint = std::getenv("OBSCURA_TEST_S3_ENDPOINT");
        const auto colon = endpoint.rfind(':');
        TcpForwarder proxy("127.0.0.1", std::stoi(endpoint.substr(colon + 1)));
        TempDir files;
        auto overrides = s3BlobOverrides(files.path());
        overrides["blobs.s3.endpoint"] = "http://127.0.0.1:" + std::to_string(proxy.port());
        AppFixture fx(fastAuth(overrides));
        HttpClient http(fx.port());
        registerUser(http, "alice");
        const std::string access = login(http, "alice").access;
        REQUIRE(upload(http, access, photo(files, 1)).status == 201);

        // A resumable upload begun before the outage, to append to during it.
        const std::string bearer = "Bearer " + access;
        auto begun = http.request("POST", "/api/uploads",
                                  {{"Authorization", bearer}, {"Tus-Resumable", "1.0.0"}, {"Upload-Length", "100"}});
        REQUIRE_MESSAGE(begun.status == 201, begun.body);

        proxy.cut();
        // Readiness pings the store; each failing ping counts against the breaker until it opens.
        bool opened = false;
        for (int i = 0; i < 40 && !opened; ++i) {
            auto ready = http.get("/readyz");
            CHECK(ready.status == 503);
            opened = http.get("/metrics").body.find("obscura_circuit_state{dependency=\"s3\"} 1") != std::string::npos;
            if (!opened) std::this_thread::sleep_for(100ms);
        }
        REQUIRE_MESSAGE(opened, "the s3 circuit never opened");
        const std::string second = photo(files, 2);  // made by vips: not part of the time measured
        const auto started = std::chrono::steady_clock::now();
        auto refused = upload(http, access, second);
        CHECK(std::chrono::steady_clock::now() - started < 2s);  // fails fast, no retries against a dead store
        CHECK(refused.status == 503);
        CHECK(errorCode(refused) == "dependency_unavailable");
        REQUIRE(refused.header("Retry-After").has_value());
        CHECK(std::stoi(*refused.header("Retry-After")) >= 1);
        // The same fast refusal before any byte for a tus creation, a tus append and a direct upload's URL.
        auto tusCreate = http.request("POST", "/api/uploads",
                                      {{"Authorization", bearer}, {"Tus-Resumable", "1.0.0"}, {"Upload-Length", "10"}});
        CHECK(tusCreate.status == 503);
        CHECK(errorCode(tusCreate) == "dependency_unavailable");
        auto tusAppend = http.request("PATCH", *begun.header("Location"),
                                      {{"Authorization", bearer},
                                       {"Tus-Resumable", "1.0.0"},
                                       {"Upload-Offset", "0"},
                                       {"Content-Type", "application/offset+octet-stream"}},
                                      std::string(10, 'x'));
        CHECK(tusAppend.status == 503);
        CHECK(errorCode(tusAppend) == "dependency_unavailable");
        auto directUrl = http.request("POST", "/api/assets/upload-url",
                                      {{"Authorization", bearer}, {"Content-Type", "application/json"}},
                                      R"({"filename":"x.jpg","sizeBytes":10})");
        CHECK(directUrl.status == 503);
        CHECK(errorCode(directUrl) == "dependency_unavailable");

        proxy.restore();
        // Within the cooldown (5 s) a probe closes the circuit again; then uploads succeed.
        bool recovered = false;
        for (int i = 0; i < 100 && !recovered; ++i) {
            recovered = http.get("/readyz").status == 200;
            if (!recovered) std::this_thread::sleep_for(100ms);
        }
        REQUIRE_MESSAGE(recovered, "/readyz stayed 503 after the gateway came back");
        CHECK(nlohmann::json::parse(http.get("/readyz").body)["circuits"]["s3"] == "closed");
        CHECK(upload(http, access, photo(files, 3)).status == 201);
    }
}

// S3 going away while the server runs (DESIGN.md section 8, issue 18's failure rules), with a TCP forwarder
// between the server and the shared test gateway that the test cuts and restores (the gateway itself cannot be
// stopped mid-run): /readyz answers 503 naming the blob store, an upload answers 503 with Retry-After and leaves
// no row and no temp file, and both recover once the store is back.
#include <doctest/doctest.h>

#include <cstdlib>

#include "app_fixture.hpp"
#include "s3_test_blobs.hpp"
#include "tcp_forwarder.hpp"
#include "upload_support.hpp"

using namespace obscura;
using namespace obscura::test;

namespace {

// The gateway's host and port from OBSCURA_TEST_S3_ENDPOINT ("http://127.0.0.1:7480"); skips (77) without one.
std::pair<std::string, int> gateway() {
    const char* endpoint = std::getenv("OBSCURA_TEST_S3_ENDPOINT");
    if (endpoint == nullptr || *endpoint == '\0') {
        std::fprintf(stderr, "integration: S3 NOT tested (OBSCURA_TEST_S3_ENDPOINT unset)\n");
        std::exit(77);
    }
    const std::string authority = std::string(endpoint).substr(std::string(endpoint).find("://") + 3);
    const auto colon = authority.rfind(':');
    return {authority.substr(0, colon), std::stoi(authority.substr(colon + 1))};
}

}  // namespace

TEST_SUITE("blobs.s3.outage") {
    TEST_CASE(
        "S3 unreachable at run time: /readyz 503 naming the blob store, uploads 503 + Retry-After, nothing kept") {
        const auto [host, port] = gateway();
        TcpForwarder forwarder(host, port);
        TempDir dir;
        const std::string dataDir = dir.path() + "/data";
        auto overrides = s3BlobOverrides(dataDir);
        overrides["blobs.s3.endpoint"] = forwarder.url();
        auto app = startApp(dataDir, overrides);
        HttpClient http(app->port(), "127.0.0.1", std::chrono::seconds(60));
        auto alice = firstUser(http);
        REQUIRE(http.get("/readyz").status == 200);
        REQUIRE(upload(http, alice, "before.png", Fixtures::get().bytes("plain.png")).status == 201);

        forwarder.cut();
        auto ready = http.get("/readyz");
        CHECK(ready.status == 503);
        CHECK(errorCode(ready) == "not_ready");
        CHECK_MESSAGE(ready.body.find("blob store 's3'") != std::string::npos, ready.body);

        const std::string jpeg = Fixtures::get().bytes("exif.jpg");
        auto refused = upload(http, alice, "during.jpg", jpeg);
        CHECK(refused.status == 503);
        CHECK(errorCode(refused) == "unavailable");
        CHECK(refused.hasHeader("Retry-After"));
        CHECK(leftoverTempFiles(dataDir + "/tmp").empty());
        CHECK(keptRecentCopies(dataDir + "/tmp").size() == 1);  // the first upload's; the refused one keeps none
        CHECK(bodyOf(http.get("/api/assets/statistics", alice.auth()))["total"] == 1);

        forwarder.restore();
        // The plugin's circuit breaker lets a request through again after its cooldown (a few seconds).
        CHECK(waitFor([&] { return http.get("/readyz").status == 200; }, std::chrono::seconds(30)));
        auto after = upload(http, alice, "after.jpg", jpeg);
        CHECK_MESSAGE(after.status == 201, after.body);  // the same bytes: not a duplicate of the refused upload
        auto stats = bodyOf(http.get("/api/assets/statistics", alice.auth()));
        CHECK(stats["total"] == 2);
        CHECK(http.get("/api/assets/" + bodyOf(after)["id"].get<std::string>() + "/original", alice.auth()).body ==
              jpeg);
        app->stop();
    }
}

// SIGTERM on the real executable (replicas, DESIGN §9): readiness fails at once with 503 `draining` while the
// server keeps serving for server.drainDelaySeconds; an upload in flight finishes and is kept; then the process
// exits 0. A request that never finishes holds the exit only for server.drainSeconds.
#include <doctest/doctest.h>
#include <signal.h>

#include <thread>

#include "media_api.hpp"
#include "media_fixtures.hpp"
#include "test_support.hpp"

using namespace obscura;
using namespace obscura::test;
using namespace obscura::media::test;
using namespace std::chrono_literals;

namespace {

constexpr const char* kDrainBoundary = "drain-boundary-7f3a";

const std::map<std::string, std::string> kEnv = {{"OBSCURA_AUTH_PASSWORD_HASH_MEMORY_KIB", "19456"},
                                                 {"OBSCURA_AUTH_PASSWORD_HASH_ITERATIONS", "2"},
                                                 {"OBSCURA_SERVER_DRAIN_DELAY_SECONDS", "3"},
                                                 {"OBSCURA_SERVER_DRAIN_SECONDS", "4"}};

// The whole POST /api/assets request (head and multipart body) for `file`.
std::pair<std::string, std::string> uploadRequest(const MediaUser& user, const std::string& file) {
    const std::string body = std::string("--") + kDrainBoundary +
                             "\r\nContent-Disposition: form-data; name=\"assetData\"; filename=\"big.jpg\"\r\n"
                             "Content-Type: image/jpeg\r\n\r\n" +
                             readAll(file) + "\r\n--" + kDrainBoundary + "--\r\n";
    const std::string head = "POST /api/assets HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + user.access +
                             "\r\nContent-Type: multipart/form-data; boundary=" + kDrainBoundary +
                             "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n";
    return {head, body};
}

}  // namespace

TEST_SUITE("app.drain") {
    TEST_CASE("SIGTERM: /readyz is 503 draining at once, an upload in flight finishes and is kept, then exit 0") {
        TempDir dir;
        const std::string big = dir / "big.jpg";
        tool({"vips", "gaussnoise", dir / "n.v", "2000", "1500"});
        tool({"vips", "jpegsave", dir / "n.v", big, "--Q", "95"});
        ServerProcess server({"serve", "--port", "0", "--data-dir", dir / "data"}, kEnv);
        REQUIRE_MESSAGE(server.start(), server.log());
        HttpClient http(server.port());
        const MediaUser alice = mediaAdmin(http);
        REQUIRE(http.get("/readyz").status == 200);

        auto [head, body] = uploadRequest(alice, big);
        RawConnection upload(server.port());
        REQUIRE(upload.send(head));
        REQUIRE(upload.send(std::string_view(body).substr(0, body.size() / 2)));
        std::this_thread::sleep_for(200ms);
        server.signal(SIGTERM);
        std::this_thread::sleep_for(300ms);

        // Still listening (the load balancer's time to notice), but not ready.
        HttpClient probe(server.port());
        auto ready = probe.get("/readyz");
        CHECK(ready.status == 503);
        CHECK(ready.body.find("\"draining\"") != std::string::npos);
        // Other requests are still served, each closing its connection.
        auto health = probe.get("/healthz");
        CHECK(health.status == 200);
        CHECK(health.header("Connection").value_or("") == "close");

        REQUIRE(upload.send(std::string_view(body).substr(body.size() / 2)));
        auto answer = upload.readResponse(20s);
        REQUIRE(answer.has_value());
        CHECK_MESSAGE(answer->status == 201, answer->body);
        const std::string id = bodyOf(*answer)["id"].get<std::string>();
        CHECK(server.wait(20s) == std::optional<int>(0));
        CHECK(server.log().find("stopped") != std::string::npos);

        // The upload is kept: a fresh server on the same data dir serves it.
        ServerProcess again({"serve", "--port", "0", "--data-dir", dir / "data"}, kEnv);
        REQUIRE_MESSAGE(again.start(), again.log());
        HttpClient after(again.port());
        MediaUser back = alice;
        back.access = login(after, "alice").access;
        auto original = after.get("/api/assets/" + id + "/original", back.auth());
        CHECK(original.status == 200);
        CHECK(original.body == readAll(big));
    }

    TEST_CASE("a request that never finishes holds the exit only for the drain delay plus server.drainSeconds") {
        TempDir dir;
        ServerProcess server({"serve", "--port", "0", "--data-dir", dir / "data"}, kEnv);
        REQUIRE_MESSAGE(server.start(), server.log());
        HttpClient http(server.port());
        const MediaUser alice = mediaAdmin(http);
        RawConnection stalled(server.port());
        const std::string head = "POST /api/assets HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " +
                                 alice.access + "\r\nContent-Type: multipart/form-data; boundary=" + kDrainBoundary +
                                 "\r\nContent-Length: 100000000\r\n\r\n--" + kDrainBoundary + "\r\n";
        REQUIRE(stalled.send(head));
        std::this_thread::sleep_for(200ms);
        const auto signalled = std::chrono::steady_clock::now();
        server.signal(SIGTERM);
        CHECK(server.wait(30s) == std::optional<int>(0));
        const auto took = std::chrono::steady_clock::now() - signalled;
        MESSAGE("exited " << std::chrono::duration_cast<std::chrono::milliseconds>(took).count()
                          << " ms after SIGTERM");
        CHECK(took >= 3s);  // the drain delay is honoured
        CHECK(took < 15s);  // delay 3 s + drain 4 s + unwinding, not the body's 100 MB
    }

    TEST_CASE("a second SIGTERM during the drain delay stops without waiting it out") {
        TempDir dir;
        auto env = kEnv;
        env["OBSCURA_SERVER_DRAIN_DELAY_SECONDS"] = "60";
        ServerProcess server({"serve", "--port", "0", "--data-dir", dir / "data"}, env);
        REQUIRE_MESSAGE(server.start(), server.log());
        const auto signalled = std::chrono::steady_clock::now();
        server.signal(SIGTERM);
        std::this_thread::sleep_for(500ms);
        HttpClient probe(server.port());
        CHECK(probe.get("/readyz").status == 503);
        server.signal(SIGTERM);
        CHECK(server.wait(20s) == std::optional<int>(0));
        CHECK(std::chrono::steady_clock::now() - signalled < 15s);
    }
}

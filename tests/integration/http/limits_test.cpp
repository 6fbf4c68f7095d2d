#include <doctest/doctest.h>

#include <memory>
#include <thread>
#include <vector>

#include "http_client.hpp"
#include "test_server.hpp"

using namespace obscura;
using namespace obscura::test;

namespace {

using SteadyClock = std::chrono::steady_clock;

double secondsSince(SteadyClock::time_point start) {
    return std::chrono::duration<double>(SteadyClock::now() - start).count();
}

bool waitForConnections(HttpServer& server, int count) {
    const auto deadline = SteadyClock::now() + std::chrono::seconds(3);
    while (SteadyClock::now() < deadline) {
        if (server.activeConnections() == count) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
}

std::string chunk(const std::string& data) {
    char size[16];
    std::snprintf(size, sizeof size, "%zx\r\n", data.size());
    return size + data + "\r\n";
}

}  // namespace

TEST_SUITE("http.limits") {
    TEST_CASE("a header over 8 KiB is a 431 JSON error and the connection is closed") {
        TestServer server;
        RawConnection raw(server.port());
        raw.send("GET /hello HTTP/1.1\r\nHost: t\r\nX-Big: " + std::string(9000, 'a') + "\r\n\r\n");
        auto response = raw.readResponse(std::chrono::seconds(5));
        REQUIRE(response);
        CHECK(response->status == 431);
        CHECK(response->header("Content-Type") == "application/json");
        CHECK(response->body.find(R"("code":"header_too_large")") != std::string::npos);
        CHECK(response->header("Connection") == "close");
        // The server closes on its own (after a short linger), without waiting for us.
        CHECK(raw.waitForClose(std::chrono::seconds(3)));
    }

    TEST_CASE("a Content-Length over the route limit is a 413 before any body byte is sent") {
        TestServer server;
        RawConnection raw(server.port());
        raw.send(
            "POST /echo HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer user-token\r\nContent-Length: 100000000\r\n\r\n");
        auto response = raw.readResponse(std::chrono::seconds(5));
        REQUIRE(response);
        CHECK(response->status == 413);
        CHECK(response->body.find(R"("code":"payload_too_large")") != std::string::npos);
        CHECK(response->header("Connection") == "close");
    }

    TEST_CASE("authentication is checked before the body size") {
        TestServer server;
        RawConnection raw(server.port());
        raw.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 100000000\r\n\r\n");
        auto response = raw.readResponse(std::chrono::seconds(5));
        REQUIRE(response);
        CHECK(response->status == 401);
    }

    TEST_CASE("a chunked body is counted as it arrives and cut off with 413 past the limit") {
        TestServer server;
        RawConnection raw(server.port());
        raw.send(
            "POST /echo HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer user-token\r\n"
            "Transfer-Encoding: chunked\r\n\r\n");
        raw.send(chunk(std::string(600, 'a')));
        raw.send(chunk(std::string(600, 'b')));
        auto response = raw.readResponse(std::chrono::seconds(5));
        REQUIRE(response);
        CHECK(response->status == 413);
    }

    TEST_CASE("a chunked body within the limit arrives whole") {
        TestServer server;
        RawConnection raw(server.port());
        raw.send(
            "POST /echo HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer user-token\r\n"
            "Transfer-Encoding: chunked\r\n\r\n" +
            chunk("hello, ") + chunk("chunked world") + "0\r\n\r\n");
        auto response = raw.readResponse(std::chrono::seconds(5));
        REQUIRE(response);
        CHECK(response->status == 200);
        CHECK(response->body == "hello, chunked world");
    }

    TEST_CASE("a small body sent to a route without one is drained and ignored, and the connection stays usable") {
        TestServer server;
        HttpClient client(server.port());
        auto response = client.request("POST", "/nobody", {}, "some ignored bytes");
        CHECK(response.status == 200);
        CHECK(response.body == "ok:");
        CHECK(client.get("/hello").status == 200);
        auto missing = client.request("POST", "/not/a/route", {}, "ignored too");
        CHECK(missing.status == 404);
        CHECK(client.get("/hello").status == 200);
        CHECK(client.connectionsOpened() == 1);
    }

    TEST_CASE("a large body sent to a route without one is a 413") {
        TestServer server;
        HttpClient client(server.port());
        auto response = client.request("POST", "/nobody", {}, std::string(5000, 'x'));
        CHECK(response.status == 413);
        RawConnection raw(server.port());
        raw.send("POST /nobody HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n" +
                 chunk(std::string(3000, 'a')) + chunk(std::string(3000, 'b')));
        auto chunked = raw.readResponse(std::chrono::seconds(5));
        REQUIRE(chunked);
        CHECK(chunked->status == 413);
    }

    TEST_CASE("a body trickling in below the minimum rate is cut off with 408 within a bounded time") {
        TestServer server;  // bodyGrace 1 s, at least 1000 bytes/s
        RawConnection raw(server.port());
        raw.send("POST /echo HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer user-token\r\nContent-Length: 100\r\n\r\n");
        const auto start = SteadyClock::now();
        // Two bytes a second: never silent long enough to trip a per-read stall timeout, so only the average
        // rate rule can stop it.
        const auto sent = raw.sendSlowly(std::string(100, 'z'), 1, std::chrono::milliseconds(500));
        const double elapsed = secondsSince(start);
        CHECK(sent < 100);
        CHECK(elapsed < 4.0);
        auto response = raw.readResponse(std::chrono::seconds(2));
        REQUIRE(response);
        CHECK(response->status == 408);
        CHECK(response->body.find(R"("code":"request_timeout")") != std::string::npos);
        raw.shutdownWrite();
        CHECK(raw.waitForClose(std::chrono::seconds(3)));
    }

    TEST_CASE("a header that does not arrive within the header timeout is a 408, a silent connection just closes") {
        auto options = testOptions();
        options.headerTimeout = std::chrono::seconds(1);
        TestServer server(options);

        RawConnection partial(server.port());
        const auto start = SteadyClock::now();
        partial.send("GET /hello HTTP/1.1\r\nHost: t\r\n");
        auto response = partial.readResponse(std::chrono::seconds(4));
        REQUIRE(response);
        CHECK(response->status == 408);
        CHECK(secondsSince(start) < 3.0);

        RawConnection silent(server.port());
        const auto silentStart = SteadyClock::now();
        CHECK(silent.readAvailable(std::chrono::seconds(4)).empty());
        CHECK(secondsSince(silentStart) < 3.0);  // closed by the server, not by our wait running out
    }

    TEST_CASE("an idle kept-alive connection is closed after the idle timeout") {
        auto options = testOptions();
        options.idleTimeout = std::chrono::seconds(1);
        TestServer server(options);
        RawConnection raw(server.port());
        raw.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n");
        REQUIRE(raw.readResponse(std::chrono::seconds(3)));
        const auto start = SteadyClock::now();
        CHECK(raw.readAvailable(std::chrono::seconds(4)).empty());
        const double idle = secondsSince(start);
        CHECK(idle > 0.5);
        CHECK(idle < 3.0);
    }

    TEST_CASE("too many connections from one address get 429 while other addresses are still served") {
        auto options = testOptions();
        options.maxConnectionsPerIp = 3;
        options.headerTimeout = std::chrono::seconds(10);
        TestServer server(options);
        std::vector<std::unique_ptr<RawConnection>> held;
        for (int i = 0; i < 3; ++i) held.push_back(std::make_unique<RawConnection>(server.port()));
        REQUIRE(waitForConnections(server.server(), 3));

        RawConnection extra(server.port());
        extra.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n");
        auto rejected = extra.readResponse(std::chrono::seconds(3));
        REQUIRE(rejected);
        CHECK(rejected->status == 429);
        CHECK(rejected->header("Retry-After"));
        CHECK(rejected->hasHeader("X-Request-Id"));
        CHECK(rejected->body.find(R"("code":"rate_limited")") != std::string::npos);
        CHECK(extra.waitForClose(std::chrono::seconds(3)));

        HttpClient other(server.port());
        other.bindTo("127.0.0.2");
        CHECK(other.get("/whoami").body == "127.0.0.2|http|-");

        held.pop_back();  // a slot frees up when a connection ends
        REQUIRE(waitForConnections(server.server(), 3));
        HttpClient again(server.port());
        CHECK(again.get("/hello").status == 200);
        CHECK(metricValue(server.metricsText(),
                          R"(obscura_http_connections_rejected_total{reason="max_connections_per_ip"})") == 1);
    }

    TEST_CASE("beyond the server's connection limit new connections get 503") {
        auto options = testOptions();
        options.maxConnections = 2;
        options.headerTimeout = std::chrono::seconds(10);
        TestServer server(options);
        RawConnection a(server.port()), b(server.port(), "127.0.0.1", "127.0.0.3");
        REQUIRE(waitForConnections(server.server(), 2));
        RawConnection extra(server.port(), "127.0.0.1", "127.0.0.4");
        auto rejected = extra.readResponse(std::chrono::seconds(3));
        REQUIRE(rejected);
        CHECK(rejected->status == 503);
        CHECK(rejected->header("Retry-After"));
        CHECK(rejected->body.find(R"("code":"unavailable")") != std::string::npos);
        CHECK(metricValue(server.metricsText(),
                          R"(obscura_http_connections_rejected_total{reason="max_connections"})") == 1);
    }
}

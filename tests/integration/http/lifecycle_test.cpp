#include <doctest/doctest.h>

#include <future>
#include <thread>

#include "http_client.hpp"
#include "test_server.hpp"

using namespace obscura;
using namespace obscura::test;

namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

}  // namespace

TEST_SUITE("http.lifecycle") {
    TEST_CASE("port 0 binds an ephemeral port and a taken port is a clear Unavailable error") {
        TestServer server;
        CHECK(server.port() > 0);
        Router router;
        ServiceRegistry services;
        Metrics metrics;
        auto options = testOptions();
        options.port = server.port();
        HttpServer clash(options, router, services, metrics);
        auto started = clash.start();
        REQUIRE_FALSE(started.ok());
        CHECK(started.error().code == ErrorCode::Unavailable);
        CHECK(started.error().message.find("127.0.0.1:" + std::to_string(server.port())) != std::string::npos);
    }

    TEST_CASE("stop lets a running handler finish and deliver its response, then returns") {
        TestServer server;
        auto& seen = server.observed();
        auto response = std::async(std::launch::async, [port = server.port()] {
            HttpClient client(port);
            return client.get("/slow?ms=1000");
        });
        RawConnection idle(server.port());  // an idle keep-alive connection is closed at once
        REQUIRE(seen.waitFor([&] { return seen.slowHandlerStarted; }, std::chrono::seconds(3)));
        const auto start = Clock::now();
        server.server().stop();
        const double took = secondsSince(start);
        auto answer = response.get();
        CHECK(answer.status == 200);
        CHECK(answer.body == "done");
        CHECK(answer.header("Connection") == "close");
        CHECK(took < 4.0);
        CHECK(idle.waitForClose(std::chrono::milliseconds(100)));
        CHECK(server.server().activeConnections() == 0);
        CHECK_THROWS_AS(HttpClient(server.port()).get("/hello"), std::runtime_error);  // no longer accepting
    }

    TEST_CASE("stop closes a request that outlives the drain time and still returns") {
        auto options = testOptions();
        options.drainTime = std::chrono::seconds(1);
        TestServer server(options);
        auto& seen = server.observed();
        RawConnection raw(server.port());
        raw.send("GET /slow?ms=2500 HTTP/1.1\r\nHost: t\r\n\r\n");
        REQUIRE(seen.waitFor([&] { return seen.slowHandlerStarted; }, std::chrono::seconds(3)));
        const auto start = Clock::now();
        auto stopped = std::async(std::launch::async, [&] { server.server().stop(); });
        // The connection goes after the drain time, not when the handler finally returns.
        CHECK(raw.readAvailable(std::chrono::seconds(5)).empty());
        const double closedAfter = secondsSince(start);
        CHECK(closedAfter > 0.7);
        CHECK(closedAfter < 2.2);
        stopped.get();
        CHECK(secondsSince(start) < 6.0);
    }

    TEST_CASE("stop ends an open response stream with its terminating chunk") {
        TestServer server;
        RawConnection raw(server.port());
        raw.send("GET /quiet-stream HTTP/1.1\r\nHost: t\r\n\r\n");
        auto& seen = server.observed();
        auto stopped = std::async(std::launch::async, [&] {
            std::this_thread::sleep_for(std::chrono::milliseconds(300));
            server.server().stop();
        });
        auto response = raw.readResponse(std::chrono::seconds(5));
        REQUIRE(response);
        CHECK(response->status == 200);
        CHECK(response->body == "data: hello\n\n");
        stopped.get();
        std::lock_guard lock(seen.mu);
        CHECK(seen.streamsCancelled == 1);
    }

    TEST_CASE("stop is idempotent and the destructor after stop is harmless") {
        TestServer server;
        server.server().stop();
        server.server().stop();
        CHECK(server.server().activeConnections() == 0);
    }
}

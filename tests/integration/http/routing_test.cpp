#include <doctest/doctest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <regex>
#include <sstream>
#include <thread>

#include "http_client.hpp"
#include "obscura/kernel/log.hpp"
#include "test_server.hpp"

using namespace obscura;
using namespace obscura::test;

namespace {

bool isGeneratedId(const std::string& id) { return std::regex_match(id, std::regex("[0-9a-f]{32}")); }

// The server records a request once the last byte of its response is written, which can be just after the
// client has read it: poll briefly.
double eventualMetric(TestServer& server, const std::string& series, double expected) {
    double value = -1;
    for (int i = 0; i < 100; ++i) {
        value = metricValue(server.metricsText(), series);
        if (value == expected) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return value;
}

}  // namespace

TEST_SUITE("http.routing") {
    TEST_CASE("two requests travel over one kept-alive connection") {
        TestServer server;
        HttpClient client(server.port());
        auto first = client.get("/hello");
        auto second = client.get("/items/42");
        CHECK(first.status == 200);
        CHECK(first.body == "hello world");
        CHECK(second.status == 200);
        CHECK(second.body == "item:42");
        CHECK(client.connectionsOpened() == 1);
        CHECK(client.connected());
    }

    TEST_CASE("pipelined requests are answered in order") {
        TestServer server;
        RawConnection raw(server.port());
        raw.send("GET /items/1 HTTP/1.1\r\nHost: t\r\n\r\nGET /items/2 HTTP/1.1\r\nHost: t\r\n\r\n");
        auto one = raw.readResponse(std::chrono::seconds(5));
        auto two = raw.readResponse(std::chrono::seconds(5));
        REQUIRE(one);
        REQUIRE(two);
        CHECK(one->body == "item:1");
        CHECK(two->body == "item:2");
    }

    TEST_CASE("an unknown path is a 404 JSON error carrying the request id") {
        TestServer server;
        HttpClient client(server.port());
        auto response = client.get("/api/nothing/here");
        CHECK(response.status == 404);
        CHECK(response.header("Content-Type") == "application/json");
        CHECK(response.header("X-Content-Type-Options") == "nosniff");
        const auto id = response.header("X-Request-Id");
        REQUIRE(id);
        CHECK(response.body ==
              R"({"error":{"code":"not_found","message":"no such endpoint","requestId":")" + *id + R"("}})");
    }

    TEST_CASE("a known path with the wrong method is a 405 listing the allowed methods") {
        TestServer server;
        HttpClient client(server.port());
        auto response = client.request("DELETE", "/hello");
        CHECK(response.status == 405);
        CHECK(response.header("Allow") == "GET, HEAD");
        CHECK(response.body.find(R"("code":"method_not_allowed")") != std::string::npos);
        CHECK(client.get("/hello").status == 200);  // and the connection is still good
        CHECK(client.connectionsOpened() == 1);
    }

    TEST_CASE("a valid X-Request-Id is echoed, a missing or hostile one is replaced") {
        TestServer server;
        HttpClient client(server.port());
        CHECK(client.get("/hello", {{"X-Request-Id", "trace-42.a_b"}}).header("X-Request-Id") == "trace-42.a_b");
        const auto generated = client.get("/hello").header("X-Request-Id");
        REQUIRE(generated);
        CHECK(isGeneratedId(*generated));
        const auto replaced = client.get("/hello", {{"X-Request-Id", "evil\"id<script>"}}).header("X-Request-Id");
        REQUIRE(replaced);
        CHECK(isGeneratedId(*replaced));
        const auto tooLong = client.get("/hello", {{"X-Request-Id", std::string(129, 'a')}}).header("X-Request-Id");
        CHECK(tooLong != std::string(129, 'a'));
        const auto second = client.get("/hello").header("X-Request-Id");
        CHECK(second != generated);
    }

    TEST_CASE("HEAD on a GET route sends the headers with the length and no body") {
        TestServer server;
        RawConnection raw(server.port());
        raw.send("HEAD /hello HTTP/1.1\r\nHost: t\r\n\r\n");
        auto head = raw.readResponse(std::chrono::seconds(5), /*headRequest=*/true);
        REQUIRE(head);
        CHECK(head->status == 200);
        CHECK(head->header("Content-Length") == std::to_string(std::string("hello world").size()));
        // No body bytes may follow: the next thing on the wire must be the next response.
        raw.send("GET /items/7 HTTP/1.1\r\nHost: t\r\n\r\n");
        auto next = raw.readResponse(std::chrono::seconds(5));
        REQUIRE(next);
        CHECK(next->status == 200);
        CHECK(next->body == "item:7");
    }

    TEST_CASE("a literal segment wins over a parameter") {
        TestServer server;
        HttpClient client(server.port());
        CHECK(client.get("/items/statistics").body == "statistics");
        CHECK(client.get("/items/statistic").body == "item:statistic");
        CHECK(client.get("/items/a%20b").body == "item:a b");  // parameters arrive percent-decoded
    }

    TEST_CASE("a malformed percent escape in the path is a 400") {
        TestServer server;
        HttpClient client(server.port());
        auto response = client.get("/items/%zz");
        CHECK(response.status == 400);
        CHECK(response.body.find(R"("code":"bad_request")") != std::string::npos);
    }

    TEST_CASE("a handler that throws yields a 500 without detail and the server keeps serving") {
        TestServer server;
        HttpClient client(server.port());
        auto response = client.get("/boom");
        CHECK(response.status == 500);
        CHECK(response.body.find(R"("code":"internal","message":"internal error")") != std::string::npos);
        CHECK(response.body.find("passwd") == std::string::npos);
        CHECK(client.get("/hello").status == 200);
    }

    TEST_CASE("a handler's error uses its specific reason code and Retry-After") {
        TestServer server;
        HttpClient client(server.port());
        auto conflict = client.get("/conflict");
        CHECK(conflict.status == 409);
        CHECK(conflict.body.find(R"("code":"already_exists","message":"already there")") != std::string::npos);
        auto busy = client.get("/busy");
        CHECK(busy.status == 503);
        CHECK(busy.header("Retry-After") == "7");
        CHECK(busy.body.find(R"("code":"unavailable")") != std::string::npos);
    }

    TEST_CASE("request metrics count by method, route pattern and status") {
        TestServer server;
        HttpClient client(server.port());
        client.get("/items/1");
        client.get("/items/2");
        client.get("/missing");
        CHECK(eventualMetric(server, R"(obscura_http_requests_total{method="GET",route="/items/{id}",status="200"})",
                             2) == 2);
        CHECK(eventualMetric(server, R"(obscura_http_requests_total{method="GET",route="unmatched",status="404"})",
                             1) == 1);
        CHECK(eventualMetric(server, R"(obscura_http_request_duration_seconds_count{method="GET",route="/items/{id}"})",
                             2) == 2);
        CHECK(metricValue(server.metricsText(), "obscura_http_connections_active") == 1);
        client.get("/items/3");
        CHECK(eventualMetric(server, R"(obscura_http_requests_total{method="GET",route="/items/{id}",status="200"})",
                             3) == 3);
    }

    TEST_CASE("the access log has one JSON line per request with the path but never the query") {
        auto options = testOptions();
        options.accessLog = true;
        TestServer server(options);
        std::ostringstream captured;
        auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(captured);
        auto logger = log::get();
        logger->sinks().push_back(sink);
        log::configure("info", "json");
        HttpClient client(server.port());
        client.get("/me?token=supersecret", {{"Authorization", "Bearer user-token"}, {"X-Request-Id", "log-test-1"}});
        server.server().stop();
        log::configure("warn", "json");
        logger->sinks().pop_back();

        std::string line;
        std::istringstream lines(captured.str());
        int accessLines = 0;
        while (std::getline(lines, line)) {
            if (line.find(R"("requestId":"log-test-1")") == std::string::npos) continue;
            ++accessLines;
            CHECK(line.find(R"("method":"GET")") != std::string::npos);
            CHECK(line.find(R"("path":"/me")") != std::string::npos);
            CHECK(line.find(R"("route":"/me")") != std::string::npos);
            CHECK(line.find(R"("status":200)") != std::string::npos);
            CHECK(line.find(R"("userId":"user-1")") != std::string::npos);
            CHECK(line.find(R"("clientIp":"127.0.0.1")") != std::string::npos);
            CHECK(line.find("durationMs") != std::string::npos);
            CHECK(line.find("supersecret") == std::string::npos);
            CHECK(line.find("user-token") == std::string::npos);
        }
        CHECK(accessLines == 1);
    }
}

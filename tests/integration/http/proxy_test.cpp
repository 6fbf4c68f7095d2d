#include <doctest/doctest.h>

#include "http_client.hpp"
#include "test_server.hpp"

using namespace obscura;
using namespace obscura::test;

namespace {

HttpServerOptions trusting(std::vector<std::string> proxies) {
    auto options = testOptions();
    options.trustedProxies = std::move(proxies);
    return options;
}

}  // namespace

TEST_SUITE("http.proxies") {
    TEST_CASE("X-Forwarded-For from a trusted proxy gives the rightmost untrusted hop") {
        TestServer server(trusting({"127.0.0.1"}));
        HttpClient client(server.port());
        CHECK(client.get("/whoami", {{"X-Forwarded-For", "203.0.113.9, 198.51.100.7"}}).body == "198.51.100.7|http|-");
        CHECK(client.get("/whoami", {{"X-Forwarded-For", "203.0.113.9"}, {"X-Forwarded-Proto", "https"}}).body ==
              "203.0.113.9|https|-");
        CHECK(client.get("/whoami").body == "127.0.0.1|http|-");
    }

    TEST_CASE("trusted CIDRs are skipped along the chain, across repeated headers") {
        TestServer server(trusting({"127.0.0.0/8", "10.0.0.0/8"}));
        HttpClient client(server.port());
        CHECK(client.get("/whoami", {{"X-Forwarded-For", "203.0.113.9, 10.1.2.3"}}).body == "203.0.113.9|http|-");
        CHECK(client.get("/whoami", {{"X-Forwarded-For", "203.0.113.9"}, {"X-Forwarded-For", "10.9.9.9"}}).body ==
              "203.0.113.9|http|-");
        // Garbage in the chain stops the walk at the last address we could verify.
        CHECK(client.get("/whoami", {{"X-Forwarded-For", "not-an-ip, 10.1.2.3"}}).body == "10.1.2.3|http|-");
    }

    TEST_CASE("X-Forwarded-For and X-Forwarded-Proto from an untrusted peer are ignored") {
        TestServer server(trusting({"10.0.0.0/8", "fd00::/8"}));
        HttpClient client(server.port());
        CHECK(client.get("/whoami", {{"X-Forwarded-For", "203.0.113.9"}, {"X-Forwarded-Proto", "https"}}).body ==
              "127.0.0.1|http|-");
        TestServer plain;
        HttpClient direct(plain.port());
        CHECK(direct.get("/whoami", {{"X-Forwarded-For", "203.0.113.9"}}).body == "127.0.0.1|http|-");
    }

    TEST_CASE("an IPv6 trusted proxy is honoured") {
        auto options = trusting({"::1/128"});
        options.host = "::1";
        TestServer server(options);
        HttpClient client(server.port(), "::1");
        CHECK(client.get("/whoami", {{"X-Forwarded-For", "2001:db8::7"}}).body == "2001:db8::7|http|-");
        CHECK(client.get("/whoami").body == "::1|http|-");
    }

    TEST_CASE("an invalid trusted proxy entry stops the start, naming it") {
        Router router;
        ServiceRegistry services;
        Metrics metrics;
        HttpServer server(trusting({"10.0.0.0/33"}), router, services, metrics);
        auto started = server.start();
        REQUIRE_FALSE(started.ok());
        CHECK(started.error().code == ErrorCode::Invalid);
        CHECK(started.error().message.find("10.0.0.0/33") != std::string::npos);
        HttpServer other(trusting({"proxy.example"}), router, services, metrics);
        auto otherStarted = other.start();
        REQUIRE_FALSE(otherStarted.ok());
        CHECK(otherStarted.error().message.find("proxy.example") != std::string::npos);
    }
}

#include <doctest/doctest.h>

#include "http_client.hpp"
#include "test_server.hpp"

using namespace obscura;
using namespace obscura::test;

TEST_SUITE("http.bodies") {
    TEST_CASE("a streamed 5 MB body reaches the sink intact and the sink is finished") {
        TestServer server;
        HttpClient client(server.port());
        const std::string payload = patternBytes(5 * 1024 * 1024);
        auto response = client.request("POST", "/upload", {{"Authorization", "Bearer user-token"}}, payload);
        CHECK(response.status == 200);
        CHECK(response.body == std::to_string(payload.size()));
        auto& seen = server.observed();
        std::lock_guard lock(seen.mu);
        CHECK(seen.sinkData.size() == payload.size());
        CHECK(seen.sinkData == payload);
        CHECK(seen.sinksFinished == 1);
        CHECK(seen.sinksAborted == 0);
    }

    TEST_CASE("the sink is aborted when the client disconnects mid-body, and the handler never runs") {
        TestServer server;
        RawConnection raw(server.port());
        raw.send(
            "POST /upload HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer user-token\r\nContent-Length: 5000000\r\n\r\n");
        raw.send(patternBytes(300 * 1024));
        auto& seen = server.observed();
        REQUIRE(seen.waitFor([&] { return seen.sinkData.size() > 0; }, std::chrono::seconds(3)));
        raw.abort();
        CHECK(seen.waitFor([&] { return seen.sinksAborted == 1; }, std::chrono::seconds(3)));
        std::lock_guard lock(seen.mu);
        CHECK(seen.sinksFinished == 0);
        CHECK(seen.uploadHandlerCalls == 0);
    }

    TEST_CASE("a streamed body over the route limit is a 413 and its sink is aborted") {
        TestServer server;
        RawConnection raw(server.port());
        raw.send(
            "POST /upload HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer user-token\r\n"
            "Transfer-Encoding: chunked\r\n\r\n");
        const std::string piece(1024 * 1024, 'q');
        char size[16];
        std::snprintf(size, sizeof size, "%zx\r\n", piece.size());
        for (int i = 0; i < 9; ++i) {
            if (!raw.send(size + piece + "\r\n")) break;  // the server may hang up once it has answered
        }
        auto response = raw.readResponse(std::chrono::seconds(5));
        REQUIRE(response);
        CHECK(response->status == 413);
        auto& seen = server.observed();
        CHECK(seen.waitFor([&] { return seen.sinksAborted == 1; }, std::chrono::seconds(3)));
        std::lock_guard lock(seen.mu);
        CHECK(seen.uploadHandlerCalls == 0);
    }

    TEST_CASE("a buffered body arrives byte for byte, binary included") {
        TestServer server;
        HttpClient client(server.port());
        std::string binary = patternBytes(1000);
        binary[10] = '\0';
        auto response = client.request("POST", "/echo", {{"Authorization", "Bearer user-token"}}, binary);
        CHECK(response.status == 200);
        CHECK(response.body == binary);
    }

    TEST_CASE("a file response sends exactly the requested range, HEAD only its length") {
        TestServer server;
        HttpClient client(server.port());
        const std::string& content = TestServer::fileContent();
        auto whole = client.get("/file");
        CHECK(whole.status == 200);
        CHECK(whole.header("Content-Length") == std::to_string(content.size()));
        CHECK(whole.body == content);
        auto range = client.get("/file?offset=1000&length=70000");
        CHECK(range.body.size() == 70000);
        CHECK(range.body == content.substr(1000, 70000));
        auto tail = client.get("/file?offset=300000");
        CHECK(tail.body == content.substr(300000));
        auto head = client.request("HEAD", "/file?offset=10&length=20");
        CHECK(head.status == 200);
        CHECK(head.header("Content-Length") == "20");
        CHECK(head.body.empty());
        auto outside = client.get("/file?offset=999999999");
        CHECK(outside.status == 500);
        CHECK(client.get("/hello").status == 200);
        CHECK(client.connectionsOpened() == 1);
    }

    TEST_CASE("a blob reader's bytes are sent whole with their length, HEAD only the length") {
        TestServer server;
        HttpClient client(server.port());
        const std::string& content = TestServer::fileContent();
        auto whole = client.get("/blob");
        CHECK(whole.status == 200);
        CHECK(whole.header("Content-Length") == std::to_string(content.size()));
        CHECK_FALSE(whole.header("Transfer-Encoding").has_value());
        CHECK(whole.body == content);
        auto tail = client.get("/blob?offset=300000");
        CHECK(tail.body == content.substr(300000));
        auto head = client.request("HEAD", "/blob?offset=10");
        CHECK(head.status == 200);
        CHECK(head.header("Content-Length") == std::to_string(content.size() - 10));
        CHECK(head.body.empty());
        CHECK(client.get("/hello").status == 200);  // the connection is still good
        CHECK(client.connectionsOpened() == 1);
    }

    TEST_CASE("a response stream is sent chunk by chunk with chunked encoding") {
        TestServer server;
        HttpClient client(server.port());
        auto response = client.get("/events");
        CHECK(response.status == 200);
        CHECK(response.header("Transfer-Encoding") == "chunked");
        CHECK(response.header("Content-Type") == "text/event-stream");
        CHECK(response.body == "one,two,three");
    }

    TEST_CASE("a response stream is cancelled when the client goes away") {
        TestServer server;
        RawConnection raw(server.port());
        raw.send("GET /firehose HTTP/1.1\r\nHost: t\r\n\r\n");
        CHECK(raw.readAvailable(std::chrono::milliseconds(300)).find("data: hello") != std::string::npos);
        raw.abort();
        auto& seen = server.observed();
        CHECK(seen.waitFor([&] { return seen.streamsCancelled == 1; }, std::chrono::seconds(3)));
    }

    TEST_CASE("a quiet response stream is cancelled when the client goes away") {
        TestServer server;
        RawConnection raw(server.port());
        raw.send("GET /quiet-stream HTTP/1.1\r\nHost: t\r\n\r\n");
        CHECK(raw.readAvailable(std::chrono::milliseconds(300)).find("data: hello") != std::string::npos);
        raw.abort();
        auto& seen = server.observed();
        CHECK(seen.waitFor([&] { return seen.streamsCancelled == 1; }, std::chrono::seconds(3)));
    }
}

// Responses read from a blob store whose reads block (S3): the reads run on the worker pool, so the I/O thread
// that writes the download keeps serving its other connections meanwhile.
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <future>
#include <thread>

#include "http_client.hpp"
#include "test_server.hpp"

using namespace obscura;
using namespace obscura::test;

TEST_SUITE("http.blob") {
    TEST_CASE("a download from a slow blob store does not stall a small request on the same I/O thread") {
        HttpServerOptions options = testOptions();
        options.ioThreads = 1;  // both connections on one I/O thread: a blocking read there would stall both
        TestServer server(options);
        const auto start = std::chrono::steady_clock::now();
        auto download = std::async(std::launch::async, [&] {
            HttpClient slow(server.port());
            return slow.get("/slow-blob");  // three reads of 600 ms each
        });
        HttpClient fast(server.port());
        CHECK(fast.get("/hello").status == 200);  // connected, before the download's first read ends
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        double slowest = 0;
        for (int i = 0; i < 5; ++i) {
            const auto sent = std::chrono::steady_clock::now();
            CHECK(fast.get("/hello").status == 200);
            slowest = std::max(slowest, std::chrono::duration<double>(std::chrono::steady_clock::now() - sent).count());
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
        const bool stillDownloading = download.wait_for(std::chrono::seconds(0)) != std::future_status::ready;
        auto whole = download.get();
        const double total = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        CHECK(whole.status == 200);
        CHECK(whole.body == TestServer::fileContent().substr(0, 192 * 1024));
        CHECK(stillDownloading);  // the small requests really ran while the download was under way
        CHECK(total >= 1.7);
        // A read blocking the I/O thread would hold each small request up to 600 ms.
        CHECK_MESSAGE(slowest < 0.3, "slowest small request took " << slowest << " s");
    }

    TEST_CASE("blob responses in a row on one kept-alive connection are each sent whole") {
        TestServer server;
        HttpClient client(server.port());
        const std::string& content = TestServer::fileContent();
        for (int i = 0; i < 3; ++i) {  // several responses in a row on one connection, each whole
            auto whole = client.get("/blob?offset=" + std::to_string(i * 1000));
            CHECK(whole.status == 200);
            CHECK(whole.body == content.substr(static_cast<std::size_t>(i) * 1000));
        }
        CHECK(client.connectionsOpened() == 1);
    }
}

// Routes marked `compute` (the timeline, search and map pages) and the server's compute pool.
#include <doctest/doctest.h>

#include <future>
#include <vector>

#include "http_client.hpp"
#include "test_server.hpp"

using namespace obscura;
using namespace obscura::test;

namespace {

const HeaderList kUser = {{"Authorization", "Bearer user-token"}};

std::vector<std::future<HttpResponse>> getCompute(int port, int requests) {
    std::vector<std::future<HttpResponse>> answers;
    for (int i = 0; i < requests; ++i) {
        answers.push_back(std::async(std::launch::async, [port] { return HttpClient(port).get("/compute", kUser); }));
    }
    return answers;
}

void release(Observed& seen) {
    {
        std::lock_guard lock(seen.mu);
        seen.computeRelease = true;
    }
    seen.notify();
}

}  // namespace

TEST_SUITE("http.compute") {
    TEST_CASE("compute routes take the compute pool's threads in turn while the workers stay free") {
        auto options = testOptions();
        options.computeThreads = 1;
        TestServer server(options);
        auto& seen = server.observed();
        auto answers = getCompute(server.port(), 3);
        REQUIRE(seen.waitFor([&] { return seen.computeRunning == 1; }, std::chrono::seconds(5)));
        // The other two wait for the one compute thread; a route on the workers answers meanwhile.
        auto me = HttpClient(server.port()).get("/me", kUser);
        CHECK(me.status == 200);
        CHECK(me.body == "user-1");
        CHECK_FALSE(seen.waitFor([&] { return seen.computeRunning > 1; }, std::chrono::milliseconds(300)));
        release(seen);
        for (auto& answer : answers) {
            auto got = answer.get();
            CHECK(got.status == 200);
            CHECK(got.body == "computed");
        }
        std::lock_guard lock(seen.mu);
        CHECK(seen.computeMostRunning == 1);
    }

    TEST_CASE("without a compute pool the same routes run on the workers side by side") {
        auto options = testOptions();
        options.computeThreads = 0;
        TestServer server(options);
        auto& seen = server.observed();
        auto answers = getCompute(server.port(), 3);
        CHECK(seen.waitFor([&] { return seen.computeRunning == 3; }, std::chrono::seconds(5)));
        release(seen);
        for (auto& answer : answers) CHECK(answer.get().status == 200);
    }

    TEST_CASE("a compute route still authenticates first: no token is 401 and the handler never runs") {
        auto options = testOptions();
        options.computeThreads = 1;
        TestServer server(options);
        auto answer = HttpClient(server.port()).get("/compute");
        CHECK(answer.status == 401);
        std::lock_guard lock(server.observed().mu);
        CHECK(server.observed().computeMostRunning == 0);
    }

    TEST_CASE("a negative computeThreads is refused when the server starts") {
        Router router;
        ServiceRegistry services;
        Metrics metrics;
        auto options = testOptions();
        options.computeThreads = -1;
        HttpServer server(options, router, services, metrics);
        auto started = server.start();
        REQUIRE_FALSE(started.ok());
        CHECK(started.error().code == ErrorCode::Invalid);
        CHECK(started.error().message.find("computeThreads") != std::string::npos);
    }
}

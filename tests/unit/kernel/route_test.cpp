// Routes as designated initializers, and streamed-body routes whose handler gets its sink with its own type.
#include "obscura/kernel/route.hpp"

#include <doctest/doctest.h>

#include "obscura/kernel/router.hpp"

using namespace obscura;

namespace {

class CollectingSink final : public BodySink {
public:
    Status write(std::string_view chunk) override {
        bytes += chunk;
        return {};
    }
    Status finish() override {
        finished = true;
        return {};
    }
    void abort() noexcept override {}
    std::string bytes;
    bool finished = false;
};

Route uploadRoute() {
    return streamedRoute<CollectingSink>(
        Route{.method = Method::Post, .pattern = "/api/things", .module = "test", .maxBodyBytes = 1024},
        [](Request& req) -> Expected<std::shared_ptr<CollectingSink>> {
            if (req.headers.has("X-Refuse")) return invalid("refused before the body");
            return std::make_shared<CollectingSink>();
        },
        [](Request&, CollectingSink& sink) -> Expected<Response> {
            return Response::text(sink.finished ? 201 : 500, sink.bytes);
        });
}

}  // namespace

TEST_SUITE("kernel.route") {
    TEST_CASE("a route written with designated initializers keeps the defaults it leaves out") {
        const Route route{.method = Method::Patch,
                          .pattern = "/api/things/{id}",
                          .module = "test",
                          .summary = "Change a thing",
                          .handler = [](Request&) -> Expected<Response> { return Response::noContent(); }};
        CHECK(route.auth == AuthPolicy::User);
        CHECK(route.body == BodyKind::None);
        CHECK(route.maxBodyBytes == kDefaultJsonBodyLimit);
        CHECK_FALSE(route.rawPathTail);
        Router router;
        CHECK(router.add(route).ok());
    }

    TEST_CASE("a streamed route's handler gets the very sink its factory made, with its own type") {
        const Route route = uploadRoute();
        CHECK(route.body == BodyKind::Streamed);
        CHECK(route.maxBodyBytes == 1024);
        Router router;
        REQUIRE(router.add(route).ok());

        // What the HTTP layer does: make the sink once authenticated, stream the body into it, finish, handle.
        Request req;
        auto sink = route.makeSink(req);
        REQUIRE(sink.ok());
        req.sink = *sink;
        REQUIRE(req.sink->write("hello ").ok());
        REQUIRE(req.sink->write("world").ok());
        REQUIRE(req.sink->finish().ok());
        auto response = route.handler(req);
        REQUIRE(response.ok());
        CHECK(response->status == 201);
        CHECK(response->body == "hello world");
    }

    TEST_CASE("a factory's refusal is the answer, and a handler without its sink is an internal error") {
        const Route route = uploadRoute();
        Request refused;
        refused.headers.set("X-Refuse", "1");
        auto sink = route.makeSink(refused);
        REQUIRE_FALSE(sink.ok());
        CHECK(sink.error().code == ErrorCode::Invalid);
        auto response = route.handler(refused);
        REQUIRE_FALSE(response.ok());
        CHECK(response.error().code == ErrorCode::Internal);
    }
}

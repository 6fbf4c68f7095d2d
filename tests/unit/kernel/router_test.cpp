#include "obscura/kernel/router.hpp"

#include <doctest/doctest.h>

using namespace obscura;

namespace {
Route route(Method m, std::string pattern, bool tail = false) {
    Route r;
    r.method = m;
    r.pattern = std::move(pattern);
    r.rawPathTail = tail;
    r.handler = [](Request&) -> Expected<Response> { return Response::noContent(); };
    return r;
}
}  // namespace

TEST_SUITE("kernel.router") {
    TEST_CASE("a literal segment wins over a parameter at the same position") {
        Router router;
        REQUIRE(router.add(route(Method::Get, "/api/assets/{id}")).ok());
        REQUIRE(router.add(route(Method::Get, "/api/assets/statistics")).ok());
        auto literal = router.match(Method::Get, "/api/assets/statistics");
        REQUIRE(literal.ok());
        CHECK(literal->route->pattern == "/api/assets/statistics");
        CHECK(literal->params.empty());
        auto param = router.match(Method::Get, "/api/assets/0b1c");
        REQUIRE(param.ok());
        CHECK(param->route->pattern == "/api/assets/{id}");
        CHECK(param->params.at("id") == "0b1c");
    }

    TEST_CASE("matching backtracks from a literal branch to a parameter branch") {
        Router router;
        REQUIRE(router.add(route(Method::Get, "/api/albums/mine")).ok());
        REQUIRE(router.add(route(Method::Get, "/api/albums/{id}/assets")).ok());
        auto m = router.match(Method::Get, "/api/albums/mine/assets");
        REQUIRE(m.ok());
        CHECK(m->route->pattern == "/api/albums/{id}/assets");
        CHECK(m->params.at("id") == "mine");
    }

    TEST_CASE("an unknown path is not_found and a known path with another method is method_not_allowed") {
        Router router;
        REQUIRE(router.add(route(Method::Get, "/api/things")).ok());
        REQUIRE(router.add(route(Method::Delete, "/api/things")).ok());
        auto missing = router.match(Method::Get, "/api/nothing");
        REQUIRE_FALSE(missing.ok());
        CHECK(missing.error().code == ErrorCode::NotFound);
        auto wrong = router.match(Method::Post, "/api/things");
        REQUIRE_FALSE(wrong.ok());
        CHECK(wrong.error().code == ErrorCode::MethodNotAllowed);
        auto allowed = router.allowedMethods("/api/things");
        CHECK(allowed == std::vector<Method>{Method::Get, Method::Head, Method::Delete});
    }

    TEST_CASE("HEAD is answered by the GET route") {
        Router router;
        REQUIRE(router.add(route(Method::Get, "/healthz")).ok());
        auto m = router.match(Method::Head, "/healthz");
        REQUIRE(m.ok());
        CHECK(m->route->method == Method::Get);
    }

    TEST_CASE("empty segments and trailing slashes do not match a parameter") {
        Router router;
        REQUIRE(router.add(route(Method::Get, "/api/assets/{id}")).ok());
        CHECK_FALSE(router.match(Method::Get, "/api/assets/").ok());
        CHECK_FALSE(router.match(Method::Get, "/api/assets").ok());
        CHECK_FALSE(router.match(Method::Get, "/api/assets/x/").ok());
        CHECK_FALSE(router.match(Method::Get, "api/assets/x").ok());
    }

    TEST_CASE("a tail parameter takes the rest of the path") {
        Router router;
        REQUIRE(router.add(route(Method::Get, "/assets/{file}", true)).ok());
        auto m = router.match(Method::Get, "/assets/js/app.123.js");
        REQUIRE(m.ok());
        CHECK(m->params.at("file") == "js/app.123.js");
    }

    TEST_CASE("duplicate routes, conflicting parameter names and malformed patterns are refused") {
        Router router;
        REQUIRE(router.add(route(Method::Get, "/api/x/{id}")).ok());
        CHECK(router.add(route(Method::Get, "/api/x/{id}")).error().code == ErrorCode::Conflict);
        CHECK_FALSE(router.add(route(Method::Post, "/api/x/{other}")).ok());
        CHECK_FALSE(router.add(route(Method::Get, "no-slash")).ok());
        CHECK_FALSE(router.add(route(Method::Get, "/api/a{b")).ok());
        Route noHandler = route(Method::Get, "/api/y");
        noHandler.handler = nullptr;
        CHECK_FALSE(router.add(noHandler).ok());
        Route streamedWithoutSink = route(Method::Post, "/api/z");
        streamedWithoutSink.body = BodyKind::Streamed;
        CHECK_FALSE(router.add(streamedWithoutSink).ok());
    }

    TEST_CASE("the route table is enumerable in registration order") {
        Router router;
        REQUIRE(router.add(route(Method::Get, "/b")).ok());
        REQUIRE(router.add(route(Method::Post, "/a")).ok());
        auto routes = router.routes();
        REQUIRE(routes.size() == 2);
        CHECK(routes[0]->pattern == "/b");
        CHECK(routes[1]->pattern == "/a");
    }
}

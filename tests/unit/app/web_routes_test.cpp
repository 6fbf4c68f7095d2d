// The UI's static routes, on a router with a hand-made web root: which paths serve index.html and with what
// headers, how bundle files are cached and compressed, and that nothing else is taken.
#include "web_routes.hpp"

#include <doctest/doctest.h>

#include <filesystem>

#include "obscura/kernel/router.hpp"
#include "test_support.hpp"

using namespace obscura;

namespace {

struct WebFixture {
    test::TempDir dir;
    Router router;
    WebFixture() {
        std::filesystem::create_directories(dir / "assets");
        test::writeFile(dir / "index.html", "<!doctype html><script type=module src=/assets/index-abc.js></script>");
        test::writeFile(dir / "assets/index-abc.js", "console.log(1)");
        test::writeFile(dir / "assets/index-abc.js.gz", "gzipped");
        test::writeFile(dir / "assets/index-abc.css", "body{}");
        test::writeFile(dir / "favicon.svg", "<svg/>");
        test::writeFile(dir / "secret.txt", "not for clients");
        REQUIRE(addWebRoutes(router, dir.path()).ok());
    }
    Expected<Response> get(const std::string& path, std::vector<std::pair<std::string, std::string>> headers = {}) {
        OBSCURA_TRY(match, router.match(Method::Get, path));
        Request request;
        request.path = path;
        request.params = match.params;
        for (auto& [n, v] : headers) request.headers.add(n, v);
        return match.route->handler(request);
    }
};

}  // namespace

TEST_SUITE("app.web_routes") {
    TEST_CASE("the UI's pages answer index.html uncached under a strict CSP") {
        WebFixture fx;
        for (const char* page : {"/", "/trash", "/photos/3f0c6f4e", "/s/some-key", "/albums/x", "/admin/users",
                                 "/sharing", "/sharing/groups", "/map"}) {
            INFO(page);
            auto r = fx.get(page);
            REQUIRE(r.ok());
            REQUIRE(r->file);
            CHECK(r->file->path == fx.dir / "index.html");
            CHECK(r->headers.get("Content-Type") == std::optional<std::string_view>("text/html; charset=utf-8"));
            CHECK(r->headers.get("Cache-Control") == std::optional<std::string_view>("no-cache"));
            const auto csp = std::string(r->headers.get("Content-Security-Policy").value_or(""));
            CHECK(csp.find("script-src 'self'") != std::string::npos);
            CHECK(csp.find("unsafe-inline") == std::string::npos);
            CHECK(csp.find("frame-ancestors 'none'") != std::string::npos);
        }
    }

    TEST_CASE("bundle files are cached for a year and sent gzipped to clients that accept it") {
        WebFixture fx;
        auto plain = fx.get("/assets/index-abc.js");
        REQUIRE(plain.ok());
        CHECK(plain->file->path == fx.dir / "assets/index-abc.js");
        CHECK(plain->headers.get("Content-Type") == std::optional<std::string_view>("text/javascript; charset=utf-8"));
        CHECK(plain->headers.get("Cache-Control") ==
              std::optional<std::string_view>("public, max-age=31536000, immutable"));
        CHECK_FALSE(plain->headers.has("Content-Encoding"));
        CHECK(plain->headers.get("Vary") == std::optional<std::string_view>("Accept-Encoding"));

        auto gz = fx.get("/assets/index-abc.js", {{"Accept-Encoding", "gzip, deflate, br"}});
        REQUIRE(gz.ok());
        CHECK(gz->file->path == fx.dir / "assets/index-abc.js.gz");
        CHECK(gz->headers.get("Content-Encoding") == std::optional<std::string_view>("gzip"));
        // No .gz twin: the plain file, whatever the client accepts.
        auto css = fx.get("/assets/index-abc.css", {{"Accept-Encoding", "gzip"}});
        REQUIRE(css.ok());
        CHECK(css->file->path == fx.dir / "assets/index-abc.css");
        CHECK_FALSE(css->headers.has("Content-Encoding"));
    }

    TEST_CASE("UI files carry validators, and a browser revalidating one it has gets a 304") {
        WebFixture fx;
        auto page = fx.get("/");
        REQUIRE(page.ok());
        const std::string etag(page->headers.get("ETag").value_or(""));
        REQUIRE_FALSE(etag.empty());
        CHECK(page->headers.has("Last-Modified"));
        CHECK_FALSE(page->headers.get("Content-Security-Policy") == std::optional<std::string_view>("sandbox"));
        auto again = fx.get("/", {{"If-None-Match", etag}});
        REQUIRE(again.ok());
        CHECK(again->status == 304);
        CHECK_FALSE(again->file);
        // The gzip twin is other bytes: its own tag.
        auto plain = fx.get("/assets/index-abc.js");
        auto gz = fx.get("/assets/index-abc.js", {{"Accept-Encoding", "gzip"}});
        REQUIRE((plain.ok() && gz.ok()));
        CHECK(plain->headers.get("ETag") != gz->headers.get("ETag"));
    }

    TEST_CASE("paths that leave the assets folder or name no file are 404") {
        WebFixture fx;
        for (const char* path : {"/assets/../secret.txt", "/assets/./index-abc.js", "/assets/missing.js",
                                 "/assets/a%2Fb.js", "/assets/sub//x.js", "/assets/.."}) {
            INFO(path);
            auto r = fx.get(path);
            REQUIRE_FALSE(r.ok());
            CHECK(r.error().code == ErrorCode::NotFound);
        }
    }

    TEST_CASE("unknown paths, under /api above all, are left to the router's JSON 404 for every method") {
        WebFixture fx;
        for (Method m : {Method::Get, Method::Post, Method::Delete}) {
            for (const char* path : {"/api/nope", "/api/assets/x/y/z", "/secret.txt", "/index.html", "/trash/x"}) {
                INFO(path);
                auto r = fx.router.match(m, path);
                REQUIRE_FALSE(r.ok());
                CHECK(r.error().code == ErrorCode::NotFound);
            }
        }
    }

    TEST_CASE("without a built UI the pages say so in a JSON 404") {
        Router router;
        REQUIRE(addWebRoutes(router, "").ok());
        auto match = router.match(Method::Get, "/");
        REQUIRE(match.ok());
        Request request;
        auto r = match->route->handler(request);
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().code == ErrorCode::NotFound);
        CHECK(r.error().message.find("not built") != std::string::npos);
    }

    TEST_CASE("the map's tile origin, and only a plain origin, joins img-src") {
        const auto imgSrc = [](const std::string& url) {
            const auto csp = contentSecurityPolicy(url);
            const auto start = csp.find("img-src");
            return csp.substr(start, csp.find(';', start) - start);
        };
        CHECK(imgSrc("") == "img-src 'self' blob:");
        CHECK(imgSrc("https://tile.openstreetmap.org/{z}/{x}/{y}.png") ==
              "img-src 'self' blob: data: https://tile.openstreetmap.org");
        CHECK(imgSrc("http://127.0.0.1:8099/tiles/{z}/{x}/{y}.png") ==
              "img-src 'self' blob: data: http://127.0.0.1:8099");
        CHECK(imgSrc("https://{s}.tile.example.org/{z}/{x}/{y}.png") ==
              "img-src 'self' blob: data: https://*.tile.example.org");
        CHECK(imgSrc("https://evil.example; script-src *") == "img-src 'self' blob:");
        CHECK(imgSrc("https://{z}.example/{x}/{y}") == "img-src 'self' blob:");
    }
}

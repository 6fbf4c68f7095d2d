#include "browser_session.hpp"

#include <doctest/doctest.h>

using namespace obscura;
using namespace obscura::auth;

namespace {

Request request(Method method, std::vector<std::pair<std::string, std::string>> headers) {
    Request r;
    r.method = method;
    for (auto& [k, v] : headers) r.headers.add(k, v);
    return r;
}

bool forbidden(const Status& s) { return !s.ok() && s.error().code == ErrorCode::Forbidden; }

}  // namespace

TEST_SUITE("auth.browser") {
    TEST_CASE("reading needs no origin; changing needs an Origin or Referer from the request's own host") {
        CHECK(checkSameOrigin(request(Method::Get, {{"Host", "photos.example.org"}}), "").ok());
        CHECK(checkSameOrigin(request(Method::Head, {}), "").ok());
        for (Method m : {Method::Post, Method::Put, Method::Patch, Method::Delete}) {
            CHECK(forbidden(checkSameOrigin(request(m, {{"Host", "photos.example.org"}}), "")));
            CHECK(checkSameOrigin(
                      request(m, {{"Host", "photos.example.org"}, {"Origin", "https://photos.example.org"}}), "")
                      .ok());
        }
        CHECK(forbidden(checkSameOrigin(
            request(Method::Post, {{"Host", "photos.example.org"}, {"Origin", "https://evil.example"}}), "")));
        CHECK(forbidden(checkSameOrigin(request(Method::Post, {{"Host", "photos.example.org"},
                                                               {"Origin", "https://photos.example.org.evil.example"}}),
                                        "")));
        CHECK(forbidden(checkSameOrigin(
            request(Method::Post, {{"Host", "photos.example.org:8080"}, {"Origin", "http://photos.example.org"}}),
            "")));
        CHECK(checkSameOrigin(request(Method::Post, {{"Host", "Photos.Example.org:8080"},
                                                     {"Origin", "http://photos.example.org:8080"}}),
                              "")
                  .ok());
        // Without Origin the Referer decides; "Origin: null" (sandboxed frames) counts as absent.
        CHECK(checkSameOrigin(request(Method::Post, {{"Host", "h.example"}, {"Referer", "https://h.example/albums/1"}}),
                              "")
                  .ok());
        CHECK(forbidden(checkSameOrigin(
            request(Method::Post, {{"Host", "h.example"}, {"Origin", "null"}, {"Referer", "https://x.example/"}}),
            "")));
        CHECK(forbidden(checkSameOrigin(request(Method::Post, {{"Host", "h.example"}, {"Origin", "null"}}), "")));
    }

    TEST_CASE("with server.publicUrl the origin must be that URL's, whatever Host says") {
        const std::string publicUrl = "https://photos.example.org/";
        CHECK(
            checkSameOrigin(
                request(Method::Post, {{"Host", "10.0.0.5:8080"}, {"Origin", "https://photos.example.org"}}), publicUrl)
                .ok());
        CHECK(forbidden(checkSameOrigin(
            request(Method::Post, {{"Host", "10.0.0.5:8080"}, {"Origin", "http://10.0.0.5:8080"}}), publicUrl)));
        CHECK(checkSameOrigin(request(Method::Post, {{"Origin", "https://photos.example.org:443"}}), publicUrl).ok());
    }

    TEST_CASE("authorityOf keeps host and port, drops default ports, refuses anything else") {
        CHECK(authorityOf("https://Example.org:443/x?y") == "example.org");
        CHECK(authorityOf("http://example.org:80") == "example.org");
        CHECK(authorityOf("http://example.org:8080/") == "example.org:8080");
        CHECK(authorityOf("https://[::1]:8443") == "[::1]:8443");
        CHECK(authorityOf("ftp://example.org") == "");
        CHECK(authorityOf("https://user@evil.example") == "");
        CHECK(authorityOf("example.org") == "");
    }

    TEST_CASE("session cookies are HttpOnly and SameSite=Strict, Secure over https, and can be cleared") {
        auto cookies = sessionCookies("access-value", 900, "refresh-value", 86400, false);
        REQUIRE(cookies.size() == 3);
        CHECK(cookies[0].rfind("obscura_access=access-value; Path=/; Max-Age=900; HttpOnly; SameSite=Strict", 0) == 0);
        CHECK(cookies[0].find("Secure") == std::string::npos);
        CHECK(cookies[1].rfind("obscura_refresh=refresh-value; Path=/api/auth; Max-Age=86400;", 0) == 0);
        for (const auto& c : sessionCookies("a", 1, "r", 1, true)) CHECK(c.find("; Secure") != std::string::npos);
        const auto cleared = clearedSessionCookies(false);
        CHECK(cleared.size() == 3);
        for (const auto& c : cleared) CHECK(c.find("Max-Age=0") != std::string::npos);
    }

    TEST_CASE("the signed-in cookie holds no secret, is readable by the page and lives as long as the refresh one") {
        auto cookies = sessionCookies("access-value", 900, "refresh-value", 86400, false);
        REQUIRE(cookies.size() == 3);
        CHECK(cookies[2] == "obscura_signed_in=1; Path=/; Max-Age=86400; SameSite=Strict");
        CHECK(sessionCookies("a", 1, "r", 1, true)[2] ==
              "obscura_signed_in=1; Path=/; Max-Age=1; SameSite=Strict; Secure");
        CHECK(clearedSessionCookies(false)[2] == "obscura_signed_in=; Path=/; Max-Age=0; SameSite=Strict");
    }

    TEST_CASE("cookies are Secure over https, through a trusted https proxy, or when publicUrl is https") {
        Request plain = request(Method::Post, {});
        CHECK_FALSE(secureCookies(plain, ""));
        CHECK_FALSE(secureCookies(plain, "http://photos.example.org"));
        CHECK(secureCookies(plain, "https://photos.example.org"));
        CHECK(secureCookies(plain, "HTTPS://photos.example.org"));
        Request overHttps = plain;
        overHttps.secure = true;  // set by the HTTP layer for TLS or a trusted proxy's X-Forwarded-Proto: https
        CHECK(secureCookies(overHttps, ""));
    }
}

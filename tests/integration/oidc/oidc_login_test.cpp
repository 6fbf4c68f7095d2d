// OIDC sign-in against a real OpenID provider (panva's oidc-provider): the browser's whole way through it,
// auto-registration, linking by verified e-mail only, admin and quota from claims, and a rotated signing key.
#include <doctest/doctest.h>

#include "api_session.hpp"
#include "app_fixture.hpp"
#include "test_provider.hpp"

using namespace obscura;
using namespace obscura::test;
using nlohmann::json;

namespace {

std::map<std::string, std::string> oidcConfig(const TestOidcProvider& provider,
                                              std::map<std::string, std::string> extra = {}) {
    std::map<std::string, std::string> config = {{"auth.oidc.issuer", provider.issuer()},
                                                 {"auth.oidc.clientId", TestOidcProvider::kClientId},
                                                 {"auth.oidc.clientSecret", TestOidcProvider::kClientSecret},
                                                 {"auth.oidc.scope", "openid email profile groups quota"},
                                                 {"auth.oidc.buttonText", "Sign in with Test ID"}};
    for (auto& [k, v] : extra) config[k] = v;
    return fastAuth(config);
}

// GET /api/users/me with the browser's access cookie.
json me(HttpClient& http, BrowserClient& browser) {
    const auto access = browser.cookie("obscura_access");
    REQUIRE_MESSAGE(access.has_value(), "the callback set no session cookie");
    auto r = http.get("/api/users/me", {{"Cookie", "obscura_access=" + *access}});
    REQUIRE_MESSAGE(r.status == 200, r.body);
    return bodyOf(r);
}

const json kAlice = {{"email", "alice@example.org"},
                     {"email_verified", true},
                     {"name", "Alice Liddell"},
                     {"preferred_username", "alice"},
                     {"groups", {"family", "obscura-admins"}},
                     {"quota_bytes", 5000000}};

}  // namespace

TEST_SUITE("integration.oidc.login") {
    TEST_CASE("a new provider account is registered, signed in with the browser session, and its claims applied") {
        auto& provider = TestOidcProvider::shared();
        AppFixture fx(oidcConfig(provider, {{"auth.oidc.autoRegister", "true"},
                                            {"auth.oidc.adminClaim", "groups=obscura-admins"},
                                            {"auth.oidc.quotaClaim", "quota_bytes"}}));
        provider.configure(fx.port());
        provider.setAccounts({{"alice-sub", kAlice}});
        HttpClient http(fx.port());
        registerUser(http, "root");  // the first account is admin anyway: alice's rights must come from her claims

        auto setup = bodyOf(http.get("/api/auth/setup"));
        CHECK(setup["oidc"] == json{{"enabled", true}, {"buttonText", "Sign in with Test ID"}});

        BrowserClient browser;
        const std::string callback = browser.walkToCallback(fx.port(), "alice-sub");
        CHECK_FALSE(queryValue(callback, "code").empty());
        CHECK(queryValue(callback, "state") == browser.cookie("obscura_oidc_state").value_or("?"));
        auto hop = browser.get(callback);
        REQUIRE_MESSAGE(hop.status == 302, hop.body);
        CHECK(hop.location == "http://127.0.0.1:" + std::to_string(fx.port()) + "/");
        CHECK_FALSE(browser.cookie("obscura_oidc_state").has_value());  // spent: the cookie is cleared
        CHECK(browser.cookie("obscura_refresh").has_value());
        auto alice = me(http, browser);
        CHECK(alice["username"] == "alice");
        CHECK(alice["email"] == "alice@example.org");
        CHECK(alice["displayName"] == "Alice Liddell");
        CHECK(alice["isAdmin"] == true);
        CHECK(alice["quotaBytes"] == 5000000);

        // The next sign-in finds the same account by (issuer, sub) and follows the claims as they are now.
        json changed = kAlice;
        changed["groups"] = {"family"};
        changed["quota_bytes"] = "1000";
        changed["preferred_username"] = "someone-else";
        provider.setAccounts({{"alice-sub", changed}});
        BrowserClient again;
        REQUIRE(again.signIn(fx.port(), "alice-sub").status == 302);
        auto later = me(http, again);
        CHECK(later["id"] == alice["id"]);
        CHECK(later["username"] == "alice");
        CHECK(later["isAdmin"] == false);
        CHECK(later["quotaBytes"] == 1000);
    }

    TEST_CASE("an unlinked provider account is refused unless its verified e-mail names exactly one account") {
        auto& provider = TestOidcProvider::shared();
        AppFixture fx(oidcConfig(provider, {{"auth.oidc.linkByEmail", "true"}}));
        provider.configure(fx.port());
        HttpClient http(fx.port());
        registerUser(http, "root");
        const auto admin = login(http, "root");
        auto bob = createUser(http, admin.access, "bob");
        auto patched = sendJson(http, "PATCH", "/api/admin/users/" + bob["id"].get<std::string>(),
                                {{"email", "bob@example.org"}}, bearer(admin.access));
        REQUIRE(patched.status == 200);
        provider.setAccounts({{"unverified", {{"email", "bob@example.org"}, {"email_verified", false}}},
                              {"verified", {{"email", "Bob@Example.org"}, {"email_verified", true}}},
                              {"nobody", {{"email", "nobody@example.org"}, {"email_verified", true}}}});

        BrowserClient mallory;
        auto refused = mallory.signIn(fx.port(), "unverified");
        CHECK(refused.status == 403);
        CHECK(refused.body.find("oidc_not_linked") != std::string::npos);
        CHECK_FALSE(mallory.cookie("obscura_access").has_value());

        BrowserClient stranger;
        CHECK(stranger.signIn(fx.port(), "nobody").status == 403);  // no autoRegister: nobody is created
        auto users = bodyOf(http.get("/api/admin/users", bearer(admin.access)));
        CHECK(users.dump().find("nobody") == std::string::npos);

        BrowserClient owner;
        REQUIRE(owner.signIn(fx.port(), "verified").status == 302);
        CHECK(me(http, owner)["id"] == bob["id"]);
        // Linked now: the subject finds bob even after the provider forgets the e-mail.
        provider.setAccounts({{"verified", json::object()}});
        BrowserClient next;
        REQUIRE(next.signIn(fx.port(), "verified").status == 302);
        CHECK(me(http, next)["id"] == bob["id"]);
    }

    TEST_CASE("a rotated signing key is fetched on its unknown kid; ES256 keys work too") {
        auto& provider = TestOidcProvider::shared();
        FakeClock clock(SystemClock().nowUs());
        AppFixture fx(oidcConfig(provider, {{"auth.oidc.autoRegister", "true"}}), &clock);
        provider.configure(fx.port(), {"a"});
        provider.setAccounts({{"carol", {{"preferred_username", "carol"}}}});
        BrowserClient first;
        REQUIRE(first.signIn(fx.port(), "carol").status == 302);
        HttpClient http(fx.port());
        const auto carol = me(http, first)["id"];

        provider.configure(fx.port(), {"b"});  // the provider now signs with a key we have never seen
        clock.advance(std::chrono::seconds(61));
        const int fetched = provider.jwksRequests();
        BrowserClient rotated;
        auto hop = rotated.signIn(fx.port(), "carol");
        REQUIRE_MESSAGE(hop.status == 302, hop.body);
        CHECK(me(http, rotated)["id"] == carol);
        CHECK(provider.jwksRequests() == fetched + 1);

        provider.configure(fx.port(), {"ec"});
        clock.advance(std::chrono::seconds(61));
        BrowserClient ec;
        auto ecHop = ec.signIn(fx.port(), "carol");
        REQUIRE_MESSAGE(ecHop.status == 302, ecHop.body);
        CHECK(me(http, ec)["id"] == carol);
    }

    TEST_CASE("without auth.oidc.issuer both routes are 404 and the UI is told there is no provider") {
        AppFixture fx(fastAuth());
        HttpClient http(fx.port());
        CHECK(http.get("/api/oauth/authorize").status == 404);
        CHECK(http.get("/api/oauth/callback?code=x&state=y").status == 404);
        CHECK(bodyOf(http.get("/api/auth/setup"))["oidc"] == json{{"enabled", false}});
    }
}

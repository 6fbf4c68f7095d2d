// OIDC callbacks that must not sign anyone in: a wrong, replayed or foreign state, a missing code, the provider's
// error, and id_tokens the real provider issued but that were altered on the way (expired, another audience,
// another nonce, an unknown key, alg "none", HMAC keyed with the public key). Each is refused with no session.
#include <doctest/doctest.h>

#include <string>
#include <utility>
#include <vector>

#include "api_session.hpp"
#include "app_fixture.hpp"
#include "test_provider.hpp"

using namespace obscura;
using namespace obscura::test;
using nlohmann::json;

namespace {

// One app for the whole file: every case starts its own sign-in.
struct World {
    TestOidcProvider& provider = TestOidcProvider::shared();
    AppFixture fx{fastAuth({{"auth.oidc.issuer", provider.issuer()},
                            {"auth.oidc.clientId", TestOidcProvider::kClientId},
                            {"auth.oidc.clientSecret", TestOidcProvider::kClientSecret},
                            {"auth.oidc.autoRegister", "true"}})};
    World() {
        provider.configure(fx.port());
        provider.setAccounts({{"dave", {{"preferred_username", "dave"}}}});
    }
    static World& get() {
        static World world;
        return world;
    }
};

void checkNoSession(BrowserClient& browser) { CHECK_FALSE(browser.cookie("obscura_access").has_value()); }

}  // namespace

TEST_SUITE("integration.oidc.refusals") {
    TEST_CASE("a replayed state is refused: each sign-in is taken once") {
        auto& w = World::get();
        BrowserClient browser;
        const std::string callback = browser.walkToCallback(w.fx.port(), "dave");
        const std::string state = queryValue(callback, "state");
        REQUIRE(browser.get(callback).status == 302);
        // The same callback again, with the state cookie an attacker would have copied too.
        BrowserClient replay;
        auto again = replay.get(callback, {"Cookie: obscura_oidc_state=" + state});
        CHECK(again.status == 400);
        checkNoSession(replay);
    }

    TEST_CASE("a wrong state, one from another browser, and a missing state or code are refused") {
        auto& w = World::get();
        BrowserClient browser;
        const std::string callback = browser.walkToCallback(w.fx.port(), "dave");
        const std::string state = queryValue(callback, "state");
        const std::string wrong = withoutQueryParam(callback, "state") + "&state=" + std::string(state.size(), 'A');
        CHECK(browser.get(wrong).status == 400);
        CHECK(browser.get(withoutQueryParam(callback, "state")).status == 400);
        // Login CSRF: a victim's browser brought to an attacker's callback URL has no matching state cookie.
        BrowserClient victim;
        CHECK(victim.get(callback).status == 400);
        checkNoSession(victim);
        // The state was not spent by those: without its code, though, it is refused and spent.
        auto noCode = browser.get(withoutQueryParam(callback, "code"));
        CHECK(noCode.status == 400);
        CHECK(noCode.body.find("no code") != std::string::npos);
        CHECK(browser.get(callback).status == 400);
        checkNoSession(browser);
    }

    TEST_CASE("the provider's own error is not a sign-in") {
        auto& w = World::get();
        BrowserClient browser;
        const std::string callback = browser.walkToCallback(w.fx.port(), "dave");
        auto denied =
            browser.get(withoutQueryParam(withoutQueryParam(callback, "code"), "iss") + "&error=access_denied");
        CHECK(denied.status == 401);
        checkNoSession(browser);
    }

    TEST_CASE("altered id_tokens are refused: expired, wrong audience, wrong nonce, alg none, HMAC") {
        auto& w = World::get();
        // Each refused for its own reason, not by an earlier check failing.
        const std::vector<std::pair<std::string, std::string>> cases = {{"expired", "has expired"},
                                                                        {"wrong-audience", "another client"},
                                                                        {"wrong-nonce", "nonce"},
                                                                        {"alg-none", "algorithm"},
                                                                        {"hs256", "algorithm"}};
        for (const auto& [mode, reason] : cases) {
            CAPTURE(mode);
            BrowserClient browser;
            const std::string callback = browser.walkToCallback(w.fx.port(), "dave");
            w.provider.tamperNext(mode);
            auto hop = browser.get(callback);
            CHECK(hop.status == 401);
            CHECK(errorCode(HttpResponse{static_cast<int>(hop.status), {}, hop.body, {}}) == "unauthenticated");
            CHECK_MESSAGE(hop.body.find(reason) != std::string::npos, hop.body);
            checkNoSession(browser);
        }
    }

    TEST_CASE("an id_token signed by an unknown key is refused, and such tokens make the keys fetched once a minute") {
        auto& w = World::get();
        const int before = w.provider.jwksRequests();
        for (int i = 0; i < 3; ++i) {
            BrowserClient browser;
            const std::string callback = browser.walkToCallback(w.fx.port(), "dave");
            w.provider.tamperNext("unknown-key");
            auto hop = browser.get(callback);
            CHECK(hop.status == 401);
            CHECK_MESSAGE(hop.body.find("does not publish") != std::string::npos, hop.body);
            checkNoSession(browser);
        }
        CHECK(w.provider.jwksRequests() - before <= 1);
        // The real key still works afterwards.
        BrowserClient browser;
        CHECK(browser.signIn(w.fx.port(), "dave").status == 302);
    }
}

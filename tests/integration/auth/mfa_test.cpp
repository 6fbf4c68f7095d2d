// Two-factor sign-in over HTTP (DESIGN §13): setup and enable, the two-step login (JSON, Basic and the browser's
// cookies), ±1 step of drift, every code and challenge usable once, recovery codes, throttling, disabling, an
// admin's reset, API keys unaffected, the secret sealed at rest.
#include <doctest/doctest.h>

#include <set>

#include "app_fixture.hpp"
#include "mfa_support.hpp"
#include "obscura/storage/storage.hpp"

using namespace obscura;
using namespace obscura::test;
using nlohmann::json;

namespace {

HttpResponse verify(HttpClient& http, const std::string& token, const json& proof) {
    json body = proof;
    body["mfaToken"] = token;
    return postJson(http, "/api/auth/mfa/verify", body);
}

}  // namespace

TEST_SUITE("auth.mfa") {
    TEST_CASE("setup and enable answer the secret, its otpauth URL and 10 recovery codes; login then needs a code") {
        FakeClock clock;
        AppFixture fx(fastAuth(), &clock);
        HttpClient http(fx.port());
        registerUser(http, "alice");
        auto alice = login(http, "alice");
        auto key = createApiKey(http, alice.access, "cli");
        CHECK(bodyOf(http.get("/api/auth/mfa", bearer(alice.access))) ==
              json{{"enabled", false}, {"pending", false}, {"recoveryCodesLeft", 0}});

        // Bad input before anything is set up, and from an API key.
        CHECK(errorCode(postJson(http, "/api/auth/mfa/enable", {{"code", "123456"}}, bearer(alice.access))) ==
              "mfa_not_set_up");
        CHECK(http.request("POST", "/api/auth/mfa/setup", {{"x-api-key", key["secret"]}}).status == 403);

        auto setup = http.request("POST", "/api/auth/mfa/setup", bearer(alice.access));
        REQUIRE(setup.status == 200);
        CHECK(setup.header("Cache-Control") == std::optional<std::string>("no-store"));
        const std::string secret = bodyOf(setup)["secret"];
        CHECK(secret.size() == 32);  // 160 bits in base32
        CHECK(bodyOf(setup)["otpauthUrl"] ==
              "otpauth://totp/Obscura:alice?secret=" + secret + "&issuer=Obscura&algorithm=SHA1&digits=6&period=30");
        CHECK(bodyOf(http.get("/api/auth/mfa", bearer(alice.access)))["pending"] == true);
        // Still one step: MFA is not on until a code proves the app has the secret.
        CHECK(bodyOf(postJson(http, "/api/auth/login", {{"username", "alice"}, {"password", kPassword}}))
                  .contains("accessToken"));

        auto wrong = postJson(http, "/api/auth/mfa/enable", {{"code", wrongCode(clock, secret)}}, bearer(alice.access));
        CHECK(wrong.status == 403);
        CHECK(errorCode(wrong) == "wrong_code");
        for (const char* malformed : {"12345", "1234567", "12a456", ""}) {
            CAPTURE(malformed);
            CHECK(postJson(http, "/api/auth/mfa/enable", {{"code", malformed}}, bearer(alice.access)).status == 422);
        }
        CHECK(bodyOf(http.get("/api/auth/mfa", bearer(alice.access)))["enabled"] == false);

        auto enabled = postJson(http, "/api/auth/mfa/enable", {{"code", totpNow(clock, secret)}}, bearer(alice.access));
        REQUIRE_MESSAGE(enabled.status == 200, enabled.body);
        const auto codes = bodyOf(enabled)["recoveryCodes"].get<std::vector<std::string>>();
        CHECK(codes.size() == 10);
        CHECK(std::set<std::string>(codes.begin(), codes.end()).size() == 10);
        CHECK(codes.front().size() == 14);  // xxxx-xxxx-xxxx
        CHECK(bodyOf(http.get("/api/auth/mfa", bearer(alice.access))) ==
              json{{"enabled", true}, {"pending", false}, {"recoveryCodesLeft", 10}});
        CHECK(errorCode(http.request("POST", "/api/auth/mfa/setup", bearer(alice.access))) == "mfa_enabled");

        // The code that enabled MFA is spent: the same step is refused at sign-in.
        auto token = mfaChallenge(http, "alice");
        auto replayed = verify(http, token, {{"code", totpNow(clock, secret)}});
        CHECK(replayed.status == 401);
        CHECK(errorCode(replayed) == "mfa_code_invalid");
        clock.advance(std::chrono::seconds(30));
        auto signedIn = verify(http, token, {{"code", totpNow(clock, secret)}});
        REQUIRE_MESSAGE(signedIn.status == 200, signedIn.body);
        CHECK(bodyOf(signedIn)["user"]["username"] == "alice");
        CHECK(http.get("/api/users/me", bearer(bodyOf(signedIn)["accessToken"])).status == 200);
        // The challenge is single-use.
        CHECK(errorCode(verify(http, token, {{"code", totpNow(clock, secret, 1)}})) == "mfa_token_invalid");

        // API keys are unaffected.
        CHECK(http.get("/api/users/me", {{"x-api-key", key["secret"]}}).status == 200);
    }

    TEST_CASE("codes one step off are accepted, older ones and reused ones are not; challenges expire") {
        FakeClock clock;
        AppFixture fx(fastAuth(), &clock);
        HttpClient http(fx.port());
        registerUser(http, "alice");
        auto alice = enableMfa(http, clock, "alice");

        // A code from the step ahead (a fast phone clock) works once; then the current step is older than it.
        auto token = mfaChallenge(http, "alice");
        REQUIRE(verify(http, token, {{"code", totpNow(clock, alice.secret, 1)}}).status == 200);
        token = mfaChallenge(http, "alice");
        CHECK(errorCode(verify(http, token, {{"code", totpNow(clock, alice.secret)}})) == "mfa_code_invalid");
        // Three steps on (the step ahead was spent): two steps old is expired; one step old (a slow phone clock),
        // newer than the spent one, is fine.
        clock.advance(std::chrono::seconds(90));
        CHECK(errorCode(verify(http, token, {{"code", totpNow(clock, alice.secret, -2)}})) == "mfa_code_invalid");
        CHECK(verify(http, token, {{"code", totpNow(clock, alice.secret, -1)}}).status == 200);

        // Malformed proofs are 422/400 and spend nothing.
        token = mfaChallenge(http, "alice");
        CHECK(verify(http, token, {{"code", "abcdef"}}).status == 422);
        CHECK(verify(http, token, {{"recoveryCode", "not-a-code"}}).status == 422);
        CHECK(verify(http, token, json::object()).status == 400);
        CHECK(verify(http, token, {{"code", "123456"}, {"recoveryCode", alice.recoveryCodes[0]}}).status == 400);
        CHECK(errorCode(verify(http, "no-such-token", {{"code", totpNow(clock, alice.secret)}})) ==
              "mfa_token_invalid");
        // An unanswered challenge dies after auth.mfaChallengeSeconds (300).
        clock.advance(std::chrono::seconds(301));
        CHECK(errorCode(verify(http, token, {{"code", totpNow(clock, alice.secret)}})) == "mfa_token_invalid");
    }

    TEST_CASE("Basic-auth and browser sign-ins take the second step too; the browser gets its cookies after it") {
        FakeClock clock;
        AppFixture fx(fastAuth(), &clock);
        HttpClient http(fx.port());
        registerUser(http, "alice");
        auto alice = enableMfa(http, clock, "alice");
        auto basic =
            http.request("POST", "/api/auth/login", {{"Authorization", basicAuthorization("alice", kPassword)}});
        REQUIRE(basic.status == 200);
        CHECK(bodyOf(basic)["mfaRequired"] == true);
        CHECK_FALSE(bodyOf(basic).contains("accessToken"));

        auto browser =
            postJson(http, "/api/auth/login", {{"username", "alice"}, {"password", kPassword}, {"cookie", true}});
        REQUIRE(browser.status == 200);
        CHECK_FALSE(browser.hasHeader("Set-Cookie"));
        auto second = postJson(
            http, "/api/auth/mfa/verify",
            {{"mfaToken", bodyOf(browser)["mfaToken"]}, {"code", totpNow(clock, alice.secret)}, {"cookie", true}});
        REQUIRE_MESSAGE(second.status == 200, second.body);
        CHECK(second.header("Set-Cookie").value_or("").find("obscura_") != std::string::npos);
    }

    TEST_CASE("each recovery code signs in once; a wrong one is refused and counted") {
        FakeClock clock;
        AppFixture fx(fastAuth(), &clock);
        HttpClient http(fx.port());
        registerUser(http, "alice");
        auto alice = enableMfa(http, clock, "alice");
        auto token = mfaChallenge(http, "alice");
        // Typed in upper case without dashes: still the code.
        std::string typed;
        for (char c : alice.recoveryCodes[3])
            if (c != '-') typed += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        REQUIRE(verify(http, token, {{"recoveryCode", typed}}).status == 200);
        token = mfaChallenge(http, "alice");
        CHECK(errorCode(verify(http, token, {{"recoveryCode", alice.recoveryCodes[3]}})) == "mfa_code_invalid");
        CHECK(errorCode(verify(http, token, {{"recoveryCode", "aaaa-bbbb-cccc"}})) == "mfa_code_invalid");
        CHECK(verify(http, token, {{"recoveryCode", alice.recoveryCodes[4]}}).status == 200);
        CHECK(bodyOf(http.get("/api/auth/mfa", bearer(alice.session.access)))["recoveryCodesLeft"] == 8);
    }
}

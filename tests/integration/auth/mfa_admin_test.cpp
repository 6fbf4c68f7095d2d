// Two-factor sign-in's brakes and exits: wrong codes throttled like wrong passwords, turning it off (password and
// code), an admin's reset, and what the database keeps (a sealed secret, hashed recovery codes).
#include <doctest/doctest.h>

#include "app_fixture.hpp"
#include "mfa_support.hpp"
#include "obscura/storage/storage.hpp"

using namespace obscura;
using namespace obscura::test;
using nlohmann::json;

TEST_SUITE("auth.mfa") {
    TEST_CASE("wrong codes count against the sign-in throttle: past the limit even the right code waits") {
        FakeClock clock;
        AppFixture fx(fastAuth({{"auth.loginFailuresPerUsername", "3"}}), &clock);
        HttpClient http(fx.port());
        registerUser(http, "alice");
        auto alice = enableMfa(http, clock, "alice");
        auto token = mfaChallenge(http, "alice");
        for (int i = 0; i < 3; ++i) {
            CHECK(
                postJson(http, "/api/auth/mfa/verify", {{"mfaToken", token}, {"code", wrongCode(clock, alice.secret)}})
                    .status == 401);
        }
        auto blocked =
            postJson(http, "/api/auth/mfa/verify", {{"mfaToken", token}, {"code", totpNow(clock, alice.secret)}});
        CHECK(blocked.status == 429);
        CHECK(blocked.hasHeader("Retry-After"));
        // Once the window (auth.loginFailureWindowSeconds) is over, the account signs in again.
        clock.advance(std::chrono::seconds(901));
        token = mfaChallenge(http, "alice");
        CHECK(postJson(http, "/api/auth/mfa/verify", {{"mfaToken", token}, {"code", totpNow(clock, alice.secret)}})
                  .status == 200);
    }

    TEST_CASE("turning it off needs the password and a fresh code; afterwards login is one step again") {
        FakeClock clock;
        AppFixture fx(fastAuth(), &clock);
        HttpClient http(fx.port());
        registerUser(http, "alice");
        auto alice = enableMfa(http, clock, "alice");
        auto off = [&](const std::string& password, const std::string& code) {
            return sendJson(http, "DELETE", "/api/auth/mfa", {{"password", password}, {"code", code}},
                            bearer(alice.session.access));
        };
        CHECK(errorCode(off("wrong password!", totpNow(clock, alice.secret))) == "wrong_password");
        CHECK(errorCode(off(kPassword, wrongCode(clock, alice.secret))) == "wrong_code");
        CHECK(off(kPassword, "12").status == 422);
        CHECK(
            sendJson(http, "DELETE", "/api/auth/mfa", {{"password", kPassword}}, bearer(alice.session.access)).status ==
            400);
        CHECK(bodyOf(http.get("/api/auth/mfa", bearer(alice.session.access)))["enabled"] == true);
        CHECK(off(kPassword, totpNow(clock, alice.secret)).status == 204);
        CHECK(errorCode(off(kPassword, totpNow(clock, alice.secret))) == "mfa_not_enabled");
        CHECK(bodyOf(postJson(http, "/api/auth/login", {{"username", "alice"}, {"password", kPassword}}))
                  .contains("accessToken"));
    }

    TEST_CASE("an admin resets a user's two-factor sign-in; a user cannot reset anyone's") {
        FakeClock clock;
        AppFixture fx(fastAuth(), &clock);
        HttpClient http(fx.port());
        registerUser(http, "admin");
        auto admin = login(http, "admin");
        auto bob = createUser(http, admin.access, "bob");
        auto carol = createUser(http, admin.access, "carol");
        auto bobMfa = enableMfa(http, clock, "bob");
        auto carolSession = login(http, "carol");
        const std::string path = "/api/admin/users/" + bob["id"].get<std::string>() + "/mfa";
        CHECK(http.request("DELETE", path, bearer(carolSession.access)).status == 403);
        CHECK(http.request("DELETE", "/api/admin/users/00000000-0000-4000-8000-000000000000/mfa", bearer(admin.access))
                  .status == 404);
        CHECK(http.request("DELETE", "/api/admin/users/not-a-uuid/mfa", bearer(admin.access)).status == 404);
        mfaChallenge(http, "bob");
        CHECK(http.request("DELETE", path, bearer(admin.access)).status == 204);
        CHECK(bodyOf(postJson(http, "/api/auth/login", {{"username", "bob"}, {"password", kPassword}}))
                  .contains("accessToken"));
        (void)bobMfa;
        (void)carol;
    }

    TEST_CASE("the database keeps the TOTP secret sealed and the recovery codes hashed") {
        FakeClock clock;
        AppFixture fx(fastAuth(), &clock);
        HttpClient http(fx.port());
        registerUser(http, "alice");
        auto alice = enableMfa(http, clock, "alice");
        const std::string id = alice.session.user["id"];
        auto stored = fx.app().storage().run([&](storage::Repositories& repos) -> Status {
            OBSCURA_TRY(mfa, repos.mfa().findMfa(id));
            REQUIRE(mfa.has_value());
            CHECK(mfa->secret.rfind("v1.", 0) == 0);
            CHECK(mfa->secret.find(alice.secret) == std::string::npos);
            // A code's hash is keyed: the plain code and its plain hashes are not what is stored.
            OBSCURA_TRY(spent, repos.mfa().useRecoveryCode(id, alice.recoveryCodes[0], clock.nowUs()));
            CHECK_FALSE(spent);
            return {};
        });
        REQUIRE(stored.ok());
    }
}

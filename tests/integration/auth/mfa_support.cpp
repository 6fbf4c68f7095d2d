#include "mfa_support.hpp"

#include <doctest/doctest.h>

#include "totp.hpp"

namespace obscura::test {

std::string totpNow(const FakeClock& clock, const std::string& secret, int stepOffset) {
    auto raw = auth::base32Decode(secret);
    REQUIRE(raw.has_value());
    return auth::totpCode(*raw, auth::totpStep(clock.nowUs() / 1'000'000) + stepOffset);
}

std::string wrongCode(const FakeClock& clock, const std::string& secret) {
    for (int candidate = 0;; ++candidate) {
        std::string code = std::to_string(100000 + candidate);
        bool right = false;
        for (int d = -2; d <= 2; ++d) right = right || totpNow(clock, secret, d) == code;
        if (!right) return code;
    }
}

MfaUser enableMfa(HttpClient& http, FakeClock& clock, const std::string& username) {
    MfaUser user;
    user.session = login(http, username);
    auto setup = http.request("POST", "/api/auth/mfa/setup", bearer(user.session.access));
    REQUIRE_MESSAGE(setup.status == 200, setup.body);
    user.secret = bodyOf(setup)["secret"];
    auto enabled =
        postJson(http, "/api/auth/mfa/enable", {{"code", totpNow(clock, user.secret)}}, bearer(user.session.access));
    REQUIRE_MESSAGE(enabled.status == 200, enabled.body);
    user.recoveryCodes = bodyOf(enabled)["recoveryCodes"].get<std::vector<std::string>>();
    clock.advance(std::chrono::seconds(30));
    return user;
}

std::string mfaChallenge(HttpClient& http, const std::string& username, const std::string& password) {
    auto r = postJson(http, "/api/auth/login", {{"username", username}, {"password", password}});
    REQUIRE_MESSAGE(r.status == 200, r.body);
    auto body = bodyOf(r);
    REQUIRE(body.value("mfaRequired", false));
    CHECK_FALSE(body.contains("accessToken"));
    return body["mfaToken"];
}

}  // namespace obscura::test

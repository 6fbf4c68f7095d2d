#pragma once
// What the two-factor tests share: a signed-in user with MFA turned on, at a FakeClock's time, and the TOTP code
// an authenticator app would show now.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "api_session.hpp"
#include "obscura/base/clock.hpp"

namespace obscura::test {

// The code for `secret` (base32, as setup answers it) `stepOffset` steps from the clock's.
std::string totpNow(const FakeClock& clock, const std::string& secret, int stepOffset = 0);
// A 6-digit code that is none of the window's (-2..+2 steps) right ones.
std::string wrongCode(const FakeClock& clock, const std::string& secret);

struct MfaUser {
    Session session;
    std::string secret;
    std::vector<std::string> recoveryCodes;
};

// Registers (or, when adminAccess is given, creates) `username`, signs in, sets MFA up and enables it with the
// current code; then moves the clock one step on, so the next code is fresh.
MfaUser enableMfa(HttpClient& http, FakeClock& clock, const std::string& username);

// POST /api/auth/login answering {mfaRequired, mfaToken}: REQUIREs it and answers the token.
std::string mfaChallenge(HttpClient& http, const std::string& username, const std::string& password = kPassword);

}  // namespace obscura::test

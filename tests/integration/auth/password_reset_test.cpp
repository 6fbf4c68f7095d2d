// Password reset by e-mail through a real SMTP server on 127.0.0.1 (python3-aiosmtpd): the token is read from the
// delivered message. 204 whatever the address, single use, 30 minutes, rate-limited per address and per IP, a
// disabled account refused, every session ended on success.
#include <doctest/doctest.h>

#include <regex>
#include <thread>

#include "api_session.hpp"
#include "app_fixture.hpp"
#include "notice_support.hpp"
#include "obscura/base/clock.hpp"

using namespace obscura;
using namespace obscura::test;
using nlohmann::json;

namespace {

constexpr const char* kNewPassword = "a brand new passphrase";

std::map<std::string, std::string> mailConfig(int smtpPort, std::map<std::string, std::string> extra = {}) {
    extra.emplace("media.smtp.host", "127.0.0.1");
    extra.emplace("media.smtp.port", std::to_string(smtpPort));
    extra.emplace("media.smtp.tls", "none");
    extra.emplace("media.smtp.from", "Obscura <photos@example.org>");
    extra.emplace("server.publicUrl", "https://photos.example.org/");
    return fastAuth(std::move(extra));
}

// Every reset token mailed so far, oldest first (the mailbox's order is the maildir's, so tokens are collected
// per message by the caller's needle).
std::vector<std::string> tokensIn(const std::string& mail) {
    std::vector<std::string> tokens;
    static const std::regex link(R"(https://photos\.example\.org/reset-password\?token=([A-Za-z0-9_-]+))");
    for (std::sregex_iterator it(mail.begin(), mail.end(), link), end; it != end; ++it) tokens.push_back((*it)[1]);
    return tokens;
}

HttpResponse confirm(HttpClient& http, const std::string& token, const std::string& password = kNewPassword) {
    return postJson(http, "/api/auth/password-reset/confirm", {{"token", token}, {"newPassword", password}});
}

void setEmail(HttpClient& http, const Session& s, const std::string& email) {
    REQUIRE(sendJson(http, "PATCH", "/api/users/me", {{"email", email}}, bearer(s.access)).status == 200);
}

}  // namespace

TEST_SUITE("auth.password_reset") {
    TEST_CASE("the mailed link sets a new password once and ends every session; an unknown address gets 204 too") {
        TempDir dir;
        SmtpSink smtp(dir / "maildir");
        AppFixture fx(mailConfig(smtp.port()));
        HttpClient http(fx.port());
        registerUser(http, "alice");
        auto first = login(http, "alice");
        auto second = login(http, "alice");
        setEmail(http, first, "alice@example.org");

        // An unknown address first: same answer, no mail.
        auto unknown = postJson(http, "/api/auth/password-reset", {{"email", "nobody@example.org"}});
        CHECK(unknown.status == 204);
        CHECK(postJson(http, "/api/auth/password-reset", {{"email", "not an address"}}).status == 204);
        CHECK(postJson(http, "/api/auth/password-reset", json::object()).status == 400);
        CHECK(postJson(http, "/api/auth/password-reset", {{"email", "ALICE@example.org"}}).status == 204);
        const std::string mail = smtp.waitFor("reset-password?token=", std::chrono::seconds(10));
        INFO(mail);
        CHECK(mail.find("To: <alice@example.org>") != std::string::npos);
        CHECK(mail.find("nobody@example.org") == std::string::npos);
        const auto tokens = tokensIn(mail);
        REQUIRE(tokens.size() == 1);

        // A password that breaks the rules spends nothing.
        auto weak = confirm(http, tokens[0], "short");
        CHECK(weak.status == 422);
        CHECK(postJson(http, "/api/auth/refresh", {{"refreshToken", first.refresh}}).status == 200);

        CHECK(confirm(http, tokens[0]).status == 204);
        CHECK(postJson(http, "/api/auth/refresh", {{"refreshToken", second.refresh}}).status == 401);
        CHECK(http.get("/api/users/me", bearer(second.access)).status == 401);
        CHECK(postJson(http, "/api/auth/login", {{"username", "alice"}, {"password", kPassword}}).status == 401);
        login(http, "alice", kNewPassword);

        auto again = confirm(http, tokens[0], "yet another passphrase");
        CHECK(again.status == 422);
        CHECK(errorCode(again) == "reset_token_invalid");
        CHECK(errorCode(confirm(http, "made-up-token")) == "reset_token_invalid");
        CHECK(postJson(http, "/api/auth/password-reset/confirm", {{"token", tokens[0]}}).status == 400);
    }

    TEST_CASE("a link for a disabled account is refused with nothing changed, and a link expires after 30 minutes") {
        TempDir dir;
        SmtpSink smtp(dir / "maildir");
        FakeClock clock;
        AppFixture fx(mailConfig(smtp.port()), &clock);
        HttpClient http(fx.port());
        registerUser(http, "admin");
        auto admin = login(http, "admin");
        auto bob = createUser(http, admin.access, "bob");
        setEmail(http, login(http, "bob"), "bob@example.org");
        setEmail(http, admin, "admin@example.org");
        const std::string bobPath = "/api/admin/users/" + bob["id"].get<std::string>();

        REQUIRE(postJson(http, "/api/auth/password-reset", {{"email", "bob@example.org"}}).status == 204);
        const auto bobTokens = tokensIn(smtp.waitFor("To: <bob@example.org>", std::chrono::seconds(10)));
        REQUIRE(bobTokens.size() == 1);
        REQUIRE(sendJson(http, "PATCH", bobPath, {{"disabled", true}}, bearer(admin.access)).status == 200);
        auto refused = confirm(http, bobTokens[0]);
        CHECK(refused.status == 403);
        CHECK(errorCode(refused) == "account_disabled");
        // Nothing changed: enabled again, bob signs in with his old password.
        REQUIRE(sendJson(http, "PATCH", bobPath, {{"disabled", false}}, bearer(admin.access)).status == 200);
        login(http, "bob");

        REQUIRE(postJson(http, "/api/auth/password-reset", {{"email", "admin@example.org"}}).status == 204);
        const std::string mail = smtp.waitFor("To: <admin@example.org>", std::chrono::seconds(10));
        std::string adminToken;
        for (const auto& t : tokensIn(mail))
            if (t != bobTokens[0]) adminToken = t;
        REQUIRE_FALSE(adminToken.empty());
        CHECK(mail.find("within 30 minutes") != std::string::npos);
        clock.advance(std::chrono::minutes(31));
        auto expired = confirm(http, adminToken);
        CHECK(expired.status == 422);
        CHECK(errorCode(expired) == "reset_token_invalid");
        login(http, "admin");
    }

    TEST_CASE("requests are limited per address and per client IP") {
        TempDir dir;
        SmtpSink smtp(dir / "maildir");
        AppFixture fx(
            mailConfig(smtp.port(), {{"auth.passwordResetsPerAddress", "2"}, {"auth.passwordResetsPerIp", "4"}}));
        HttpClient http(fx.port());
        registerUser(http, "alice");
        for (int i = 0; i < 2; ++i)
            CHECK(postJson(http, "/api/auth/password-reset", {{"email", "someone@example.org"}}).status == 204);
        auto limited = postJson(http, "/api/auth/password-reset", {{"email", "someone@example.org"}});
        CHECK(limited.status == 429);
        CHECK(limited.hasHeader("Retry-After"));
        CHECK(postJson(http, "/api/auth/password-reset", {{"email", "other@example.org"}}).status == 204);
        // Five requests from this IP now: past its limit of 4, whatever the address.
        CHECK(postJson(http, "/api/auth/password-reset", {{"email", "third@example.org"}}).status == 429);
    }
}

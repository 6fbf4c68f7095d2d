// The whole auth surface driven against the real binary at its most verbose log level; afterwards its log
// must hold none of the passwords, tokens, refresh tokens, API key secrets or the JWT key it saw.
#include <doctest/doctest.h>

#include <csignal>

#include "api_session.hpp"
#include "test_support.hpp"

using namespace obscura;
using namespace obscura::test;
using nlohmann::json;

namespace {

class Secrets {
public:
    void add(const std::string& s) {
        REQUIRE_MESSAGE(s.size() >= 8, "a secret too short to search for: " << s);
        items_.push_back(s);
    }
    // A JWT, and its signature alone: a log line holding only part of the token still leaks it.
    void addToken(const std::string& jwt) {
        add(jwt);
        add(jwt.substr(jwt.rfind('.') + 1));
    }
    const std::vector<std::string>& all() const { return items_; }

private:
    std::vector<std::string> items_;
};

Session loginAs(HttpClient& http, Secrets& secrets, const std::string& username, const std::string& password) {
    auto s = login(http, username, password);
    secrets.addToken(s.access);
    secrets.add(s.refresh);
    return s;
}

}  // namespace

TEST_SUITE("auth.log") {
    TEST_CASE("the server's log never contains a password, token, refresh token, API key or the JWT key") {
        TempDir dir;
        ServerProcess server({"serve", "--port", "0", "--data-dir", dir.path() + "/data"},
                             {{"OBSCURA_SERVER_HOST", "127.0.0.1"},
                              {"OBSCURA_STORAGE_PLUGIN_DIR", pluginDir()},
                              {"OBSCURA_LOG_LEVEL", "trace"},
                              {"OBSCURA_AUTH_REGISTRATION", "open"},
                              {"OBSCURA_AUTH_PASSWORD_HASH_MEMORY_KIB", "19456"},
                              {"OBSCURA_AUTH_PASSWORD_HASH_ITERATIONS", "2"},
                              {"OBSCURA_AUTH_LOGIN_FAILURES_PER_USERNAME", "2"}});
        REQUIRE(server.start());
        HttpClient http(server.port());
        Secrets secrets;
        const std::string alicePassword = "alice first secret", bobPassword = "bobs first secret";
        const std::string wrongGuess = "a wrong guess of alice", ghostGuess = "a guess for a ghost";
        for (const auto& p : {alicePassword, bobPassword, wrongGuess, ghostGuess}) secrets.add(p);

        registerUser(http, "alice", alicePassword);
        CHECK(postJson(http, "/api/auth/register",
                       {{"username", "bob"}, {"password", bobPassword}, {"email", "bob@example.org"}})
                  .status == 201);
        auto refused = postJson(http, "/api/auth/register", {{"username", "eve"}, {"password", "password123"}});
        CHECK(refused.status == 422);
        secrets.add("password123");

        auto alice = loginAs(http, secrets, "alice", alicePassword);
        const std::string basic = basicAuthorization("bob", bobPassword);
        secrets.add(basic.substr(6));
        auto basicLogin = http.request("POST", "/api/auth/login", {{"Authorization", basic}});
        REQUIRE(basicLogin.status == 200);
        secrets.addToken(bodyOf(basicLogin)["accessToken"]);
        secrets.add(bodyOf(basicLogin)["refreshToken"]);
        CHECK(postJson(http, "/api/auth/login", {{"username", "alice"}, {"password", wrongGuess}}).status == 401);
        CHECK(postJson(http, "/api/auth/login", {{"username", "ghost"}, {"password", ghostGuess}}).status == 401);
        CHECK(postJson(http, "/api/auth/login", {{"username", "ghost"}, {"password", ghostGuess}}).status == 401);
        CHECK(postJson(http, "/api/auth/login", {{"username", "ghost"}, {"password", ghostGuess}}).status == 429);

        auto rotated = bodyOf(postJson(http, "/api/auth/refresh", {{"refreshToken", alice.refresh}}));
        secrets.addToken(rotated["accessToken"]);
        secrets.add(rotated["refreshToken"]);
        CHECK(postJson(http, "/api/auth/refresh", {{"refreshToken", alice.refresh}}).status == 401);  // reuse

        auto key = createApiKey(http, rotated["accessToken"], "script");
        secrets.add(key["secret"]);
        CHECK(http.get("/api/api-keys/me", {{"x-api-key", key["secret"]}}).status == 200);
        CHECK(http.get("/api/users/me", {{"x-api-key", key["secret"].get<std::string>() + "x"}}).status == 401);
        // Credentials in a query string or a broken header must not reach the log either.
        CHECK(http.get("/api/users/me?access_token=" + rotated["accessToken"].get<std::string>()).status == 401);
        CHECK(http.get("/api/users/me", {{"Authorization", "Bearer " + alice.refresh}}).status == 401);

        const std::string newAlicePassword = "alice second secret";
        secrets.add(newAlicePassword);
        CHECK(sendJson(http, "PUT", "/api/users/me/password",
                       {{"currentPassword", alicePassword}, {"newPassword", newAlicePassword}},
                       bearer(rotated["accessToken"]))
                  .status == 204);
        auto cookieLogin = postJson(http, "/api/auth/login",
                                    {{"username", "alice"}, {"password", newAlicePassword}, {"cookie", true}});
        REQUIRE(cookieLogin.status == 200);
        const std::string cookieAccess = bodyOf(cookieLogin)["accessToken"];
        secrets.addToken(cookieAccess);
        secrets.add(bodyOf(cookieLogin)["refreshToken"]);
        CHECK(http.get("/api/users/me", {{"Cookie", "obscura_access=" + cookieAccess}}).status == 200);

        const std::string carolPassword = "carol set by admin", bobReset = "bob reset by admin";
        secrets.add(carolPassword);
        secrets.add(bobReset);
        createUser(http, cookieAccess, "carol", false, carolPassword);
        const std::string bobId = bodyOf(basicLogin)["user"]["id"];
        CHECK(sendJson(http, "PATCH", "/api/admin/users/" + bobId, {{"password", bobReset}}, bearer(cookieAccess))
                  .status == 200);
        auto bob = loginAs(http, secrets, "bob", bobReset);
        CHECK(sendJson(http, "DELETE", "/api/users/me", {{"password", bobReset}}, bearer(bob.access)).status == 204);
        CHECK(postJson(http, "/api/auth/logout", {{"refreshToken", rotated["refreshToken"]}}).status == 204);

        secrets.add(readFile(dir.path() + "/data/secret"));
        server.signal(SIGTERM);
        REQUIRE(server.wait(std::chrono::seconds(30)) == std::optional<int>(0));

        const std::string log = server.log();
        // The capture is real: it holds the access log of what was done, and auth's own lines.
        CHECK(log.find("/api/auth/login") != std::string::npos);
        CHECK(log.find("/api/auth/refresh") != std::string::npos);
        CHECK(log.find("created API key") != std::string::npos);
        for (const auto& secret : secrets.all()) {
            INFO("found in the log: " << secret);
            CHECK(log.find(secret) == std::string::npos);
        }
    }
}

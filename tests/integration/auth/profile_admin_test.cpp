#include <doctest/doctest.h>

#include <atomic>
#include <mutex>
#include <thread>

#include "api_session.hpp"
#include "app_fixture.hpp"
#include "obscura/auth/events.hpp"
#include "obscura/auth/usage_provider.hpp"
#include "obscura/kernel/bus.hpp"
#include "obscura/kernel/service_registry.hpp"
#include "stored_quota.hpp"

using namespace obscura;
using namespace obscura::test;
using nlohmann::json;

namespace {

// Collects user.* events from the app's bus.
struct EventLog {
    std::mutex mu;
    std::vector<std::string> lines;
    Bus::Subscription created, deleted;
    explicit EventLog(Bus& bus) {
        created = bus.subscribe<auth::UserCreated>("test", [this](const auth::UserCreated& e) {
            std::lock_guard lock(mu);
            lines.push_back("created " + e.username + (e.isAdmin ? " admin" : ""));
        });
        deleted = bus.subscribe<auth::UserDeleted>("test", [this](const auth::UserDeleted& e) {
            std::lock_guard lock(mu);
            lines.push_back("deleted " + e.username + " " + e.id);
        });
    }
    std::vector<std::string> waitFor(std::size_t n) {
        for (int i = 0; i < 200; ++i) {
            {
                std::lock_guard lock(mu);
                if (lines.size() >= n) return lines;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        std::lock_guard lock(mu);
        return lines;
    }
};

class FixedUsage final : public auth::UsageProvider {
public:
    Expected<auth::Usage> usage(const std::string&) override { return auth::Usage{3, 2, 1, 1000, 200, 50}; }
};

}  // namespace

TEST_SUITE("auth.profile") {
    TEST_CASE("the caller reads and edits their profile; fields they may not set are ignored") {
        AppFixture fx(fastAuth());
        HttpClient http(fx.port());
        registerUser(http, "alice");
        auto alice = login(http, "alice");
        auto patched = sendJson(http, "PATCH", "/api/users/me",
                                {{"displayName", "Alice Ä."},
                                 {"email", "alice@example.org"},
                                 {"bio", "Takes photos.\nMany."},
                                 {"isAdmin", false},
                                 {"username", "mallory"},
                                 {"quotaBytes", 1}},
                                bearer(alice.access));
        REQUIRE(patched.status == 200);
        auto body = bodyOf(patched);
        CHECK(body["displayName"] == "Alice Ä.");
        CHECK(body["email"] == "alice@example.org");
        CHECK(body["bio"] == "Takes photos.\nMany.");
        CHECK(body["username"] == "alice");
        CHECK(body["isAdmin"] == true);
        CHECK(body["quotaBytes"].is_null());
        CHECK(bodyOf(http.get("/api/users/me", bearer(alice.access))) == body);
        CHECK(sendJson(http, "PATCH", "/api/users/me", {{"email", "nope"}}, bearer(alice.access)).status == 422);
        CHECK(sendJson(http, "PATCH", "/api/users/me", {{"bio", nullptr}}, bearer(alice.access)).status == 400);
        CHECK(http.get("/api/users/me").status == 401);
    }

    TEST_CASE("every signed-in user lists the active accounts as summaries, without e-mail or flags") {
        AppFixture fx(fastAuth());
        HttpClient http(fx.port());
        registerUser(http, "alice");
        auto alice = login(http, "alice");
        std::string carolId;
        for (const char* name : {"bob", "carol"}) {
            auto created = sendJson(http, "POST", "/api/admin/users",
                                    {{"username", name}, {"password", kPassword}, {"email", "x@example.org"}},
                                    bearer(alice.access));
            REQUIRE(created.status == 201);
            carolId = bodyOf(created)["id"];
        }
        auto bob = login(http, "bob");
        REQUIRE(
            sendJson(http, "PATCH", "/api/admin/users/" + carolId, {{"disabled", true}}, bearer(alice.access)).status ==
            200);
        auto listed = http.get("/api/users", bearer(bob.access));
        REQUIRE(listed.status == 200);
        auto body = bodyOf(listed);
        REQUIRE(body.is_array());
        std::vector<std::string> names;
        for (const auto& u : body) {
            names.push_back(u["username"]);
            CHECK(u.size() == 4);  // id, username, displayName, avatarUrl: nothing private
            CHECK(u.contains("avatarUrl"));
        }
        CHECK(names == std::vector<std::string>{"alice", "bob"});  // carol is disabled
        CHECK(http.get("/api/users").status == 401);
    }

    TEST_CASE("a password change needs the current password, and wrong guesses count toward throttling") {
        AppFixture fx(fastAuth({{"auth.loginFailuresPerUsername", "2"}, {"auth.loginFailuresPerIp", "100"}}));
        HttpClient http(fx.port());
        registerUser(http, "alice");
        auto alice = login(http, "alice");
        const auto change = [&](const std::string& current, const std::string& next) {
            return sendJson(http, "PUT", "/api/users/me/password",
                            {{"currentPassword", current}, {"newPassword", next}}, bearer(alice.access));
        };
        auto weak = change(kPassword, "password1");
        CHECK(weak.status == 422);
        auto wrong = change("not my password", "a brand new secret");
        CHECK(wrong.status == 403);
        CHECK(errorCode(wrong) == "wrong_password");
        CHECK(change("still not it", "a brand new secret").status == 403);
        CHECK(change(kPassword, "a brand new secret").status == 429);
        CHECK(sendJson(http, "PUT", "/api/users/me/password", {{"newPassword", "x"}}, bearer(alice.access)).status ==
              400);
    }

    TEST_CASE("usage shows zeros and the quota until the images module provides figures") {
        AppFixture fx(fastAuth());
        HttpClient http(fx.port());
        registerUser(http, "alice");
        auto alice = login(http, "alice");
        auto usage = http.get("/api/users/me/usage", bearer(alice.access));
        REQUIRE(usage.status == 200);
        CHECK(bodyOf(usage) == json{{"assets", 0},
                                    {"images", 0},
                                    {"videos", 0},
                                    {"bytesOriginals", 0},
                                    {"bytesDerived", 0},
                                    {"quotaBytes", nullptr},
                                    {"bandwidthBytesThisMonth", 0}});
        fx.app().services().put<auth::UsageProvider>(std::make_shared<FixedUsage>());
        CHECK(bodyOf(http.get("/api/users/me/usage", bearer(alice.access)))["bytesOriginals"] == 1000);
    }

    TEST_CASE("deleting one's account needs the password, publishes user.deleted, and ends every credential") {
        AppFixture fx(fastAuth());
        EventLog events(fx.app().bus());
        HttpClient http(fx.port());
        registerUser(http, "alice");
        auto alice = login(http, "alice");
        auto bob = createUser(http, alice.access, "bob");
        auto bobSession = login(http, "bob");
        auto key = createApiKey(http, bobSession.access, "k");
        CHECK(sendJson(http, "DELETE", "/api/users/me", json::object(), bearer(bobSession.access)).status == 400);
        auto wrong = sendJson(http, "DELETE", "/api/users/me", {{"password", "nope nope"}}, bearer(bobSession.access));
        CHECK(wrong.status == 403);
        CHECK(errorCode(wrong) == "wrong_password");
        CHECK(sendJson(http, "DELETE", "/api/users/me", {{"password", kPassword}}, bearer(bobSession.access)).status ==
              204);
        CHECK(events.waitFor(3) == std::vector<std::string>{"created alice admin", "created bob",
                                                            "deleted bob " + bob["id"].get<std::string>()});
        CHECK(http.get("/api/users/me", bearer(bobSession.access)).status == 401);
        CHECK(http.get("/api/users/me", {{"x-api-key", key["secret"]}}).status == 401);
        CHECK(postJson(http, "/api/auth/login", {{"username", "bob"}, {"password", kPassword}}).status == 401);

        // The last admin cannot leave: someone must be able to administer the server.
        auto last = sendJson(http, "DELETE", "/api/users/me", {{"password", kPassword}}, bearer(alice.access));
        CHECK(last.status == 409);
        CHECK(errorCode(last) == "last_admin");
    }
}

TEST_SUITE("auth.admin") {
    TEST_CASE("admin routes are 403 for users who are not admins and 401 for nobody") {
        AppFixture fx(fastAuth());
        HttpClient http(fx.port());
        registerUser(http, "alice");
        auto alice = login(http, "alice");
        const std::string bobId = createUser(http, alice.access, "bob")["id"];
        auto bob = login(http, "bob");
        const std::vector<std::pair<std::string, std::string>> routes = {{"GET", "/api/admin/users"},
                                                                         {"POST", "/api/admin/users"},
                                                                         {"GET", "/api/admin/users/" + bobId},
                                                                         {"PATCH", "/api/admin/users/" + bobId},
                                                                         {"DELETE", "/api/admin/users/" + bobId}};
        for (const auto& [method, path] : routes) {
            INFO(method << " " << path);
            CHECK(sendJson(http, method, path, {{"isAdmin", true}}, bearer(bob.access)).status == 403);
            CHECK(sendJson(http, method, path, {{"isAdmin", true}}).status == 401);
        }
        CHECK(bodyOf(http.get("/api/users/me", bearer(bob.access)))["isAdmin"] == false);
    }

    TEST_CASE("admins create, list, read, change and delete accounts, with usage figures") {
        AppFixture fx(fastAuth());
        HttpClient http(fx.port());
        registerUser(http, "alice");
        auto admin = login(http, "alice");
        auto created = postJson(
            http, "/api/admin/users",
            {{"username", "Bob"}, {"password", kPassword}, {"email", "bob@example.org"}, {"quotaBytes", 5000000}},
            bearer(admin.access));
        REQUIRE(created.status == 201);
        auto bob = bodyOf(created);
        CHECK(bob["quotaBytes"] == 5000000);
        CHECK(bob["isAdmin"] == false);
        CHECK(bob["usage"]["assets"] == 0);
        CHECK(postJson(http, "/api/admin/users", {{"username", "bob"}, {"password", kPassword}}, bearer(admin.access))
                  .status == 409);
        createUser(http, admin.access, "carol");

        auto listed = bodyOf(http.get("/api/admin/users", bearer(admin.access)));
        REQUIRE(listed.size() == 3);
        CHECK(listed[0]["username"] == "alice");
        CHECK(listed[1]["username"] == "Bob");
        CHECK(listed[2]["username"] == "carol");
        auto page = bodyOf(http.get("/api/admin/users?limit=1&after=alice", bearer(admin.access)));
        REQUIRE(page.size() == 1);
        CHECK(page[0]["username"] == "Bob");
        CHECK(http.get("/api/admin/users?limit=0", bearer(admin.access)).status == 400);

        fx.app().services().put<auth::UsageProvider>(std::make_shared<FixedUsage>());
        const std::string path = "/api/admin/users/" + bob["id"].get<std::string>();
        auto one = bodyOf(http.get(path, bearer(admin.access)));
        CHECK(one["usage"] == json{{"assets", 3},
                                   {"images", 2},
                                   {"videos", 1},
                                   {"bytesOriginals", 1000},
                                   {"bytesDerived", 200},
                                   {"bandwidthBytesThisMonth", 50}});

        auto patched =
            sendJson(http, "PATCH", path, {{"quotaBytes", nullptr}, {"isAdmin", true}}, bearer(admin.access));
        REQUIRE(patched.status == 200);
        CHECK(bodyOf(patched)["quotaBytes"].is_null());
        CHECK(bodyOf(patched)["isAdmin"] == true);
        CHECK(sendJson(http, "PATCH", path, {{"quotaBytes", -1}}, bearer(admin.access)).status == 422);
        CHECK(sendJson(http, "PATCH", path, {{"quotaBytes", "lots"}}, bearer(admin.access)).status == 400);
        CHECK(sendJson(http, "PATCH", path, {{"password", "short"}}, bearer(admin.access)).status == 422);
        CHECK(sendJson(http, "PATCH", path, {{"password", "reset by the admin"}}, bearer(admin.access)).status == 200);
        login(http, "bob", "reset by the admin");

        CHECK(http.request("DELETE", path, bearer(admin.access)).status == 204);
        CHECK(http.get(path, bearer(admin.access)).status == 404);
        CHECK(http.request("DELETE", path, bearer(admin.access)).status == 404);
        for (const char* bad :
             {"/api/admin/users/not-a-uuid", "/api/admin/users/00000000-0000-4000-8000-000000000000"}) {
            CHECK(http.get(bad, bearer(admin.access)).status == 404);
            CHECK(sendJson(http, "PATCH", bad, {{"quotaBytes", "x"}}, bearer(admin.access)).status == 404);
        }
    }

    TEST_CASE("the last admin cannot be demoted, disabled or deleted; with a second admin it can") {
        AppFixture fx(fastAuth());
        HttpClient http(fx.port());
        const std::string aliceId = registerUser(http, "alice")["id"];
        auto alice = login(http, "alice");
        const std::string path = "/api/admin/users/" + aliceId;
        for (const json& change : {json{{"isAdmin", false}}, json{{"disabled", true}}}) {
            auto r = sendJson(http, "PATCH", path, change, bearer(alice.access));
            INFO(change.dump());
            CHECK(r.status == 409);
            CHECK(errorCode(r) == "last_admin");
        }
        CHECK(errorCode(http.request("DELETE", path, bearer(alice.access))) == "last_admin");
        CHECK(bodyOf(http.get("/api/users/me", bearer(alice.access)))["isAdmin"] == true);

        const std::string bobId = createUser(http, alice.access, "bob", true)["id"];
        auto bob = login(http, "bob");
        CHECK(sendJson(http, "PATCH", path, {{"isAdmin", false}}, bearer(bob.access)).status == 200);
        // A demotion counts at once, on the token alice already holds.
        CHECK(http.get("/api/admin/users", bearer(alice.access)).status == 403);
        auto self = sendJson(http, "PATCH", "/api/admin/users/" + bobId, {{"isAdmin", false}}, bearer(bob.access));
        CHECK(self.status == 409);
    }

    TEST_CASE("deleting a user publishes user.deleted; the quota the images module reads is the admin's") {
        AppFixture fx(fastAuth());
        EventLog events(fx.app().bus());
        HttpClient http(fx.port());
        registerUser(http, "alice");
        auto admin = login(http, "alice");
        auto bob = postJson(http, "/api/admin/users",
                            {{"username", "bob"}, {"password", kPassword}, {"quotaBytes", 1234}}, bearer(admin.access));
        const std::string bobId = bodyOf(bob)["id"];
        auth::StoredQuota quota(fx.app().storage());
        CHECK(*quota.quotaBytes(bobId) == std::optional<std::int64_t>(1234));
        CHECK(quota.quotaBytes(bodyOf(http.get("/api/users/me", bearer(admin.access)))["id"])->has_value() == false);
        CHECK(quota.quotaBytes("00000000-0000-4000-8000-000000000000").error().code == ErrorCode::NotFound);
        REQUIRE(http.request("DELETE", "/api/admin/users/" + bobId, bearer(admin.access)).status == 204);
        CHECK(events.waitFor(3).back() == "deleted bob " + bobId);
    }
}

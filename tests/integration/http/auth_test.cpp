#include <doctest/doctest.h>

#include "http_client.hpp"
#include "test_server.hpp"

using namespace obscura;
using namespace obscura::test;

TEST_SUITE("http.auth") {
    TEST_CASE("a user route without credentials is a 401 with WWW-Authenticate: Bearer") {
        TestServer server;
        HttpClient client(server.port());
        auto response = client.get("/me");
        CHECK(response.status == 401);
        CHECK(response.header("WWW-Authenticate") == "Bearer");
        CHECK(response.body.find(R"("code":"unauthenticated")") != std::string::npos);
        auto bad = client.get("/me", {{"Authorization", "Bearer wrong"}});
        CHECK(bad.status == 401);
        CHECK(bad.body.find("invalid token") != std::string::npos);
    }

    TEST_CASE("a user route with valid credentials reaches its handler with the principal") {
        TestServer server;
        HttpClient client(server.port());
        auto response = client.get("/me", {{"Authorization", "Bearer user-token"}});
        CHECK(response.status == 200);
        CHECK(response.body == "user-1");
    }

    TEST_CASE("without a registered Authenticator every user route is a 401") {
        TestServer server(testOptions(), /*withAuthenticator=*/false);
        HttpClient client(server.port());
        auto response = client.get("/me", {{"Authorization", "Bearer user-token"}});
        CHECK(response.status == 401);
        CHECK(response.header("WWW-Authenticate") == "Bearer");
        CHECK(client.get("/hello").status == 200);
    }

    TEST_CASE("an admin route refuses a signed-in non-admin with 403 and admits an admin") {
        TestServer server;
        HttpClient client(server.port());
        auto user = client.get("/admin", {{"Authorization", "Bearer user-token"}});
        CHECK(user.status == 403);
        CHECK(user.body.find(R"("code":"forbidden")") != std::string::npos);
        CHECK(client.get("/admin").status == 401);  // authentication comes before permission
        auto admin = client.get("/admin", {{"Authorization", "Bearer admin-token"}});
        CHECK(admin.status == 200);
        CHECK(admin.body == "admin area");
    }

    TEST_CASE("an anonymous route attaches the principal when valid credentials come along") {
        TestServer server;
        HttpClient client(server.port());
        CHECK(client.get("/whoami", {{"Authorization", "Bearer user-token"}}).body == "127.0.0.1|http|user-1");
        CHECK(client.get("/whoami", {{"Authorization", "Bearer wrong"}}).body == "127.0.0.1|http|-");
        CHECK(client.get("/whoami").body == "127.0.0.1|http|-");
    }

    TEST_CASE("Expect: 100-continue is answered only after authentication succeeded") {
        TestServer server;
        RawConnection raw(server.port());
        const std::string body = "0123456789";
        // The slow token takes 300 ms to check: a 100 sent before authentication would arrive first.
        raw.send(
            "POST /echo HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer slow-token\r\n"
            "Expect: 100-continue\r\nContent-Length: 10\r\n\r\n");
        auto interim = raw.readResponse(std::chrono::seconds(5), false, /*stopAtInterim=*/true);
        REQUIRE(interim);
        CHECK(interim->status == 100);
        CHECK(server.auth().completed.load() == 1);
        raw.send(body);
        auto final = raw.readResponse(std::chrono::seconds(5));
        REQUIRE(final);
        CHECK(final->status == 200);
        CHECK(final->body == body);
    }

    TEST_CASE("an unauthenticated Expect: 100-continue request gets its 401 without a 100, then the close") {
        TestServer server;
        RawConnection raw(server.port());
        raw.send("POST /upload HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 5000000\r\n\r\n");
        auto response = raw.readResponse(std::chrono::seconds(5));
        REQUIRE(response);
        CHECK(response->interim.empty());
        CHECK(response->status == 401);
        CHECK(response->header("Connection") == "close");
        raw.shutdownWrite();
        CHECK(raw.waitForClose(std::chrono::seconds(3)));
        std::lock_guard lock(server.observed().mu);
        CHECK(server.observed().sinksCreated == 0);
    }

    TEST_CASE("the client helper sends the body only after the 100") {
        TestServer server;
        HttpClient client(server.port());
        auto ok = client.request("POST", "/echo", {{"Authorization", "Bearer user-token"}, {"Expect", "100-continue"}},
                                 "payload");
        CHECK(ok.interim == std::vector<int>{100});
        CHECK(ok.status == 200);
        CHECK(ok.body == "payload");
        auto denied = client.request("POST", "/echo", {{"Expect", "100-continue"}}, "payload");
        CHECK(denied.interim.empty());
        CHECK(denied.status == 401);
    }
}

// album.shared (DESIGN.md section 7): sharing an album tells the receiver on their event stream, and by e-mail
// when SMTP is configured; the owner's stream and other users' streams carry nothing of it.
#include <doctest/doctest.h>

#include "app_fixture.hpp"
#include "media_api.hpp"
#include "media_fixtures.hpp"
#include "notice_support.hpp"

using namespace obscura;
using namespace obscura::test;

namespace {

std::string newAlbum(HttpClient& http, const MediaUser& owner, const std::string& name) {
    auto r = postJson(http, "/api/albums", {{"albumName", name}}, owner.auth());
    REQUIRE(r.status == 201);
    return bodyOf(r)["id"];
}

HttpResponse shareWith(HttpClient& http, const MediaUser& owner, const std::string& albumId, const MediaUser& user,
                       const std::string& role) {
    return sendJson(http, "PUT", "/api/albums/" + albumId + "/users",
                    {{"albumUsers", {{{"userId", user.id}, {"role", role}}}}}, owner.auth());
}

}  // namespace

TEST_SUITE("media.album_shared") {
    TEST_CASE("the receiver's stream carries album.shared, for a member and for each member of a group") {
        AppFixture fx(fastAuth());
        HttpClient http(fx.port());
        auto alice = mediaAdmin(http);
        auto bob = mediaUser(http, alice, "bob");
        auto carol = mediaUser(http, alice, "carol");
        auto aliceStream = openEvents(fx.port(), alice.access);
        auto bobStream = openEvents(fx.port(), bob.access);
        auto carolStream = openEvents(fx.port(), carol.access);
        readUntil(*bobStream, "\r\n\r\n", std::chrono::seconds(5));  // the stream is open before the share

        const auto albumId = newAlbum(http, alice, "Summer");
        REQUIRE(shareWith(http, alice, albumId, bob, "editor").status == 200);
        const auto bobSaw = readUntil(*bobStream, "event: album.shared", std::chrono::seconds(10));
        CHECK(bobSaw.find("event: album.shared") != std::string::npos);
        CHECK(bobSaw.find("\"albumId\":\"" + albumId + "\"") != std::string::npos);
        CHECK(bobSaw.find("\"role\":\"editor\"") != std::string::npos);
        CHECK(bobSaw.find("\"albumName\":\"Summer\"") != std::string::npos);

        // A group share reaches Carol through her seat.
        auto group = postJson(http, "/api/groups", {{"name", "Family"}}, alice.auth());
        REQUIRE(group.status == 201);
        const std::string groupId = bodyOf(group)["id"];
        REQUIRE(sendJson(http, "PUT", "/api/groups/" + groupId + "/members", {{"userIds", {carol.id}}}, alice.auth())
                    .status == 200);
        REQUIRE(sendJson(http, "PUT", "/api/albums/" + albumId + "/groups",
                         {{"albumGroups", {{{"groupId", groupId}, {"role", "viewer"}}}}}, alice.auth())
                    .status == 200);
        const auto carolSaw = readUntil(*carolStream, "event: album.shared", std::chrono::seconds(10));
        CHECK(carolSaw.find("\"role\":\"viewer\"") != std::string::npos);

        // The owner was told nothing.
        const auto aliceSaw = aliceStream->readAvailable(std::chrono::milliseconds(500));
        CHECK(aliceSaw.find("album.shared") == std::string::npos);
    }

    TEST_CASE("with SMTP configured, the receiver gets an e-mail naming the album and who shared it") {
        TempDir dir;
        SmtpSink smtp(dir / "maildir");
        AppFixture fx(fastAuth({{"media.smtp.host", "127.0.0.1"},
                                {"media.smtp.port", std::to_string(smtp.port())},
                                {"media.smtp.tls", "none"},
                                {"media.smtp.from", "Obscura <photos@example.org>"},
                                {"server.publicUrl", "https://photos.example.org"}}));
        HttpClient http(fx.port());
        auto alice = mediaAdmin(http);
        auto bob = mediaUser(http, alice, "bob");
        REQUIRE(sendJson(http, "PATCH", "/api/users/me", {{"displayName", "Alice"}}, alice.auth()).status == 200);
        REQUIRE(
            sendJson(http, "PATCH", "/api/users/me", {{"email", "bob@example.org"}, {"displayName", "Bob"}}, bob.auth())
                .status == 200);
        const auto albumId = newAlbum(http, alice, "Summer");
        REQUIRE(shareWith(http, alice, albumId, bob, "viewer").status == 200);

        const std::string link = "https://photos.example.org/albums/" + albumId;
        const std::string mail = smtp.waitFor(link, std::chrono::seconds(30));
        INFO(mail);
        CHECK(mail.find(link) != std::string::npos);
        CHECK(mail.find("To: <bob@example.org>") != std::string::npos);
        CHECK(mail.find("Subject: Alice shared the album \"Summer\" with you") != std::string::npos);
        CHECK(mail.find("Hello Bob") != std::string::npos);
    }
}

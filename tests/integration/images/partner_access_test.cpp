// What a partner may do with the library shared with them (DESIGN.md section 7): see and download live, unarchived
// assets (metadata, thumbnail, preview, original — the bytes count to the owner's bandwidth), never change or trash
// them (403), never see trashed or archived ones, nor a stranger's (404); all gone on the request after the
// partnership ends. And the receiver hears of it on their event stream.
#include <doctest/doctest.h>

#include "app_fixture.hpp"
#include "http_client.hpp"
#include "images_api.hpp"

using namespace obscura;
using namespace obscura::test;
using nlohmann::json;

namespace {

std::int64_t bandwidth(HttpClient& http, const Account& who) {
    return bodyOf(http.get("/api/users/me/usage", who.auth()))["bandwidthBytesThisMonth"].get<std::int64_t>();
}

}  // namespace

TEST_SUITE("images.partner_access") {
    TEST_CASE("a partner sees and downloads live assets, cannot change them, and loses them when it ends") {
        Family f;
        auto& fx = f.fx;
        auto& http = f.http;
        const auto &alice = f.alice, &bob = f.bob, &carol = f.carol;
        const auto live = insertAsset(fx.app(), alice.id, kJuly2021Us, [](auto& a) {
            a.title = "Shared";
            a.thumbnail = {"ready", 1};
            a.preview = {"ready", 1};
        });
        const auto archived = insertAsset(fx.app(), alice.id, kJuly2021Us, [](auto& a) { a.isArchived = true; });
        const auto trashed = insertAsset(fx.app(), alice.id, kJuly2021Us, [](auto& a) {
            a.isTrashed = true;
            a.trashedAt = "2024-05-01T00:00:00Z";
            a.trashedAtUs = 1714521600LL * 1000000;
        });
        const auto strangers = insertAsset(fx.app(), carol.id, kJuly2021Us);
        writeAssetFiles(fx.app(), live);
        const std::string path = "/api/assets/" + live.id;
        CHECK(http.get(path, bob.auth()).status == 404);  // not before the partnership
        sharePartner(http, alice, bob);

        auto seen = http.get(path, bob.auth());
        REQUIRE_MESSAGE(seen.status == 200, seen.body);
        CHECK(bodyOf(seen)["ownerId"] == alice.id);
        CHECK(bodyOf(seen)["title"] == "Shared");
        CHECK(http.get("/api/assets/" + archived.id, bob.auth()).status == 404);
        CHECK(http.get("/api/assets/" + trashed.id, bob.auth()).status == 404);
        CHECK(http.get("/api/assets/" + strangers.id, bob.auth()).status == 404);

        // Read-only: 403 for a visible asset, and nothing changes.
        auto patch = sendJson(http, "PATCH", path, {{"title", "mine now"}}, bob.auth());
        CHECK(patch.status == 403);
        CHECK(errorCode(patch) == "forbidden");
        CHECK(http.request("DELETE", path, bob.auth()).status == 403);
        CHECK(http.request("DELETE", path + "?permanent=true", bob.auth()).status == 403);
        CHECK(bodyOf(http.get(path, alice.auth()))["title"] == "Shared");
        CHECK(bodyOf(http.get(path, alice.auth()))["isTrashed"] == false);

        // Bytes: thumbnail, preview and original, counted to the owner, not to the partner.
        const auto aliceBefore = bandwidth(http, alice);
        const auto bobBefore = bandwidth(http, bob);
        auto original = http.get(path + "/original", bob.auth());
        REQUIRE_MESSAGE(original.status == 200, original.body);
        CHECK(original.body == "original bytes");
        CHECK(http.get(path + "/thumbnail", bob.auth()).status == 200);
        CHECK(http.get(path + "/thumbnail?size=preview", bob.auth()).status == 200);
        const auto served = static_cast<std::int64_t>(std::string("original bytes").size() + 5 + 7);
        CHECK(waitFor([&] { return bandwidth(http, alice) == aliceBefore + served; }));
        CHECK(bandwidth(http, bob) == bobBefore);

        // Ended by the receiver: the very next request is 404 again, for metadata and bytes alike.
        REQUIRE(http.request("DELETE", "/api/partners/" + alice.id, bob.auth()).status == 204);
        CHECK(http.get(path, bob.auth()).status == 404);
        CHECK(http.get(path + "/original", bob.auth()).status == 404);
        CHECK(http.get(path + "/thumbnail", bob.auth()).status == 404);
        CHECK(sendJson(http, "PATCH", path, {{"title", "x"}}, bob.auth()).status == 404);
    }

    TEST_CASE("the receiver's event stream carries partner.added; the sharer's and a bystander's do not") {
        Family f;
        auto& fx = f.fx;
        auto& http = f.http;
        const auto &alice = f.alice, &bob = f.bob, &carol = f.carol;
        auto open = [&](const Account& who) {
            auto c = std::make_unique<RawConnection>(fx.port());
            REQUIRE(c->send("GET /api/events HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer " + who.access + "\r\n\r\n"));
            return c;
        };
        auto bobStream = open(bob);
        auto aliceStream = open(alice);
        auto carolStream = open(carol);
        // The streams are registered once their header came back.
        for (auto* c : {bobStream.get(), aliceStream.get(), carolStream.get()})
            REQUIRE(c->readAvailable(std::chrono::seconds(5)).find("200") != std::string::npos);

        sharePartner(http, alice, bob);
        std::string got;
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        while (got.find("\n\n", got.find("event: partner.added")) == std::string::npos &&
               std::chrono::steady_clock::now() < deadline)
            got += bobStream->readAvailable(std::chrono::milliseconds(200));
        CHECK(got.find("event: partner.added") != std::string::npos);
        CHECK(got.find("\"sharedById\":\"" + alice.id + "\"") != std::string::npos);
        CHECK(got.find("\"sharedWithId\":\"" + bob.id + "\"") != std::string::npos);
        CHECK(got.find("\"sharedByUsername\":\"alice\"") != std::string::npos);
        CHECK(aliceStream->readAvailable(std::chrono::milliseconds(500)).find("partner.added") == std::string::npos);
        CHECK(carolStream->readAvailable(std::chrono::milliseconds(200)).find("partner.added") == std::string::npos);
    }
}

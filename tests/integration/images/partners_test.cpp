// Partners through HTTP (DESIGN.md section 7): create, list both directions, the receiver's timeline switch, and
// ending from either side; every refusal changes nothing. What a partner then sees and may not do is
// partner_access_test.cpp's.
#include <doctest/doctest.h>

#include "app_fixture.hpp"
#include "images_api.hpp"
#include "obscura/storage/storage.hpp"

using namespace obscura;
using namespace obscura::test;
using nlohmann::json;

namespace {

json partners(HttpClient& http, const Account& who, const std::string& direction) {
    auto r = http.get("/api/partners?direction=" + direction, who.auth());
    REQUIRE_MESSAGE(r.status == 200, r.body);
    return bodyOf(r);
}

std::vector<std::string> idsIn(const json& list) {
    std::vector<std::string> ids;
    for (const auto& p : list) ids.push_back(p["id"].get<std::string>());
    return ids;
}

}  // namespace

TEST_SUITE("images.partners") {
    TEST_CASE("sharing answers the receiver with Immich's fields; both sides list it; the receiver toggles") {
        Family f;
        auto& http = f.http;
        const auto &alice = f.alice, &bob = f.bob;

        auto created = http.request("POST", "/api/partners/" + bob.id, alice.auth());
        REQUIRE_MESSAGE(created.status == 201, created.body);
        auto body = bodyOf(created);
        CHECK(body["id"] == bob.id);
        CHECK(body["username"] == "bob");
        CHECK(body.contains("displayName"));
        CHECK(body["avatarUrl"].is_null());
        CHECK(body["inTimeline"] == false);

        CHECK(idsIn(partners(http, alice, "shared-by")) == std::vector<std::string>{bob.id});
        CHECK(partners(http, alice, "shared-with").empty());
        auto withBob = partners(http, bob, "shared-with");
        REQUIRE(withBob.size() == 1);
        CHECK(withBob[0]["id"] == alice.id);
        CHECK(withBob[0]["username"] == "alice");
        CHECK(withBob[0]["inTimeline"] == false);
        CHECK(partners(http, bob, "shared-by").empty());

        // The receiver decides; the sharer cannot switch the receiver's timeline.
        auto on = sendJson(http, "PUT", "/api/partners/" + alice.id, {{"inTimeline", true}}, bob.auth());
        REQUIRE_MESSAGE(on.status == 200, on.body);
        CHECK(bodyOf(on)["id"] == alice.id);
        CHECK(bodyOf(on)["inTimeline"] == true);
        CHECK(partners(http, bob, "shared-with")[0]["inTimeline"] == true);
        CHECK(partners(http, alice, "shared-by")[0]["inTimeline"] == true);
        auto bySharer = sendJson(http, "PUT", "/api/partners/" + bob.id, {{"inTimeline", false}}, alice.auth());
        CHECK(bySharer.status == 404);
        CHECK(partners(http, bob, "shared-with")[0]["inTimeline"] == true);
        auto off = sendJson(http, "PUT", "/api/partners/" + alice.id, {{"inTimeline", false}}, bob.auth());
        CHECK(bodyOf(off)["inTimeline"] == false);
    }

    TEST_CASE("either side ends it; a partnership that does not exist is 404") {
        Family f;
        auto& http = f.http;
        const auto &alice = f.alice, &bob = f.bob, &carol = f.carol;
        sharePartner(http, alice, bob);
        sharePartner(http, alice, carol);

        // The sharer ends one, the receiver leaves the other.
        CHECK(http.request("DELETE", "/api/partners/" + bob.id, alice.auth()).status == 204);
        CHECK(http.request("DELETE", "/api/partners/" + alice.id, carol.auth()).status == 204);
        CHECK(partners(http, alice, "shared-by").empty());
        CHECK(partners(http, bob, "shared-with").empty());
        CHECK(partners(http, carol, "shared-with").empty());
        auto again = http.request("DELETE", "/api/partners/" + bob.id, alice.auth());
        CHECK(again.status == 404);
        CHECK(errorCode(again) == "not_found");

        // Both directions: ?direction= picks one; without it the caller's own sharing ends first.
        sharePartner(http, alice, bob);
        sharePartner(http, bob, alice);
        CHECK(http.request("DELETE", "/api/partners/" + alice.id + "?direction=shared-with", bob.auth()).status == 204);
        CHECK(partners(http, bob, "shared-with").empty());
        CHECK(idsIn(partners(http, bob, "shared-by")) == std::vector<std::string>{alice.id});
        CHECK(http.request("DELETE", "/api/partners/" + alice.id, bob.auth()).status == 204);
        CHECK(partners(http, bob, "shared-by").empty());
        CHECK(http.request("DELETE", "/api/partners/" + alice.id + "?direction=sideways", bob.auth()).status == 400);
    }

    TEST_CASE("oneself, an unknown or disabled user and a duplicate are refused with their codes, nothing changed") {
        Family f;
        auto& http = f.http;
        const auto &alice = f.alice, &bob = f.bob;
        const auto dora = anotherAccount(http, alice, "dora");
        REQUIRE(sendJson(http, "PATCH", "/api/admin/users/" + dora.id, {{"disabled", true}}, alice.auth()).status ==
                200);

        auto self = http.request("POST", "/api/partners/" + alice.id, alice.auth());
        CHECK(self.status == 422);
        CHECK(errorCode(self) == "partner_self");
        auto unknown = http.request("POST", "/api/partners/00000000-0000-4000-8000-000000000000", alice.auth());
        CHECK(unknown.status == 404);
        CHECK(errorCode(unknown) == "not_found");
        CHECK(http.request("POST", "/api/partners/not-a-uuid", alice.auth()).status == 404);
        auto disabled = http.request("POST", "/api/partners/" + dora.id, alice.auth());
        CHECK(disabled.status == 404);
        CHECK(partners(http, alice, "shared-by").empty());

        sharePartner(http, alice, bob);
        REQUIRE(sendJson(http, "PUT", "/api/partners/" + alice.id, {{"inTimeline", true}}, bob.auth()).status == 200);
        auto duplicate = http.request("POST", "/api/partners/" + bob.id, alice.auth());
        CHECK(duplicate.status == 409);
        CHECK(errorCode(duplicate) == "partner_exists");
        auto list = partners(http, alice, "shared-by");
        REQUIRE(list.size() == 1);
        CHECK(list[0]["inTimeline"] == true);  // the duplicate did not reset the receiver's choice

        // Bodies and parameters: 404 before the body; a missing or mistyped inTimeline is 400.
        CHECK(sendJson(http, "PUT", "/api/partners/" + dora.id, {{"inTimeline", "yes"}}, bob.auth()).status == 404);
        CHECK(sendJson(http, "PUT", "/api/partners/" + alice.id, {{"inTimeline", "yes"}}, bob.auth()).status == 400);
        CHECK(sendJson(http, "PUT", "/api/partners/" + alice.id, json::object(), bob.auth()).status == 400);
        CHECK(http.get("/api/partners", alice.auth()).status == 400);
        CHECK(http.get("/api/partners?direction=both", alice.auth()).status == 400);
        CHECK(http.get("/api/partners?direction=shared-by").status == 401);
    }

    TEST_CASE("deleting a user ends their partnerships in both directions") {
        Family f;
        auto& http = f.http;
        const auto &alice = f.alice, &bob = f.bob, &carol = f.carol;
        sharePartner(http, alice, bob);
        sharePartner(http, bob, alice);
        sharePartner(http, bob, carol);
        REQUIRE(http.request("DELETE", "/api/admin/users/" + bob.id, alice.auth()).status == 204);
        CHECK(partners(http, alice, "shared-by").empty());
        CHECK(partners(http, alice, "shared-with").empty());
        CHECK(partners(http, carol, "shared-with").empty());
    }
}

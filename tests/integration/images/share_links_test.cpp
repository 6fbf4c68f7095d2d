// Share links through HTTP: the owner's side (create, list, revoke) and the public side (what a link shows,
// its password and cookie, expiry, revocation, downloads, media that re-check the link, the password throttle).
#include <doctest/doctest.h>
#include <openssl/evp.h>

#include "app_fixture.hpp"
#include "images_api.hpp"
#include "obscura/base/ids.hpp"
#include "obscura/storage/storage.hpp"

using namespace obscura;
using namespace obscura::test;

namespace {

nlohmann::json share(HttpClient& http, const Account& who, nlohmann::json body) {
    auto r = postJson(http, "/api/shared-links", body, who.auth());
    REQUIRE_MESSAGE(r.status == 201, r.body);
    return bodyOf(r);
}

std::string albumWith(HttpClient& http, const Account& who, const std::vector<std::string>& ids) {
    auto r = postJson(http, "/api/albums", {{"albumName", "Shared"}, {"assetIds", ids}}, who.auth());
    REQUIRE(r.status == 201);
    return bodyOf(r)["id"];
}

}  // namespace

TEST_SUITE("images.share_links") {
    TEST_CASE("an album link shows the album's live assets and serves their media until it is revoked") {
        AppFixture fx(fastAuth());
        HttpClient http(fx.port());
        auto alice = firstAccount(http, "alice");
        auto shown = insertAsset(fx.app(), alice.id);
        auto binned = insertAsset(fx.app(), alice.id);
        auto elsewhere = insertAsset(fx.app(), alice.id);
        writeAssetFiles(fx.app(), shown);
        writeAssetFiles(fx.app(), elsewhere);
        const auto albumId = albumWith(http, alice, {shown.id, binned.id});
        REQUIRE(http.request("DELETE", "/api/assets/" + binned.id, alice.auth()).status == 204);

        auto link = share(http, alice, {{"albumId", albumId}});
        const std::string key = link["key"];
        CHECK(key.size() >= 22);  // >= 128 bits in base64url
        CHECK(key.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") ==
              std::string::npos);
        CHECK(link["url"] == "/s/" + key);
        CHECK(link["hasPassword"] == false);
        CHECK(link["allowDownload"] == true);
        CHECK(link["expiresAt"].is_null());

        auto page = http.get("/api/shared/" + key);  // no credentials at all
        REQUIRE(page.status == 200);
        auto body = bodyOf(page);
        CHECK(body["album"]["albumName"] == "Shared");
        CHECK(idsOf(body) == std::vector<std::string>{shown.id});
        CHECK(body["link"]["hasPassword"] == false);

        const auto media = "/api/shared/" + key + "/assets/";
        CHECK(http.get(media + shown.id + "/original").status == 200);
        CHECK(errorCode(http.get(media + shown.id + "/thumbnail")) == "not_ready");
        CHECK(http.get(media + binned.id + "/original").status == 404);     // trashed
        CHECK(http.get(media + elsewhere.id + "/original").status == 404);  // not in the album
        CHECK(http.get(media + "not-a-uuid/original").status == 404);

        // Taking the asset out of the album takes it out of the link at once.
        REQUIRE(sendJson(http, "DELETE", "/api/albums/" + albumId + "/assets", {{"ids", {shown.id}}}, alice.auth())
                    .status == 200);
        CHECK(http.get(media + shown.id + "/original").status == 404);

        auto listed = bodyOf(http.get("/api/shared-links", alice.auth()));
        REQUIRE(listed.size() == 1);
        CHECK(listed[0]["key"] == key);
        CHECK(http.request("DELETE", "/api/shared-links/" + link["id"].get<std::string>(), alice.auth()).status == 204);
        CHECK(http.get("/api/shared/" + key).status == 404);
        CHECK(http.get("/api/shared/" + key + "x").status == 404);
        CHECK(http.get("/api/shared/unknownkey").status == 404);
    }

    TEST_CASE("an asset link shows just its assets; allowDownload=false refuses originals") {
        AppFixture fx(fastAuth());
        HttpClient http(fx.port());
        auto alice = firstAccount(http, "alice");
        auto bob = anotherAccount(http, alice, "bob");
        auto one = insertAsset(fx.app(), alice.id);
        auto other = insertAsset(fx.app(), alice.id);
        auto his = insertAsset(fx.app(), bob.id);
        writeAssetFiles(fx.app(), one);
        auto link = share(http, alice, {{"assetIds", {one.id, one.id}}, {"allowDownload", false}});
        CHECK(link["assetIds"] == nlohmann::json::array({one.id}));
        const std::string key = link["key"];
        CHECK(idsOf(bodyOf(http.get("/api/shared/" + key))) == std::vector<std::string>{one.id});
        auto refused = http.get("/api/shared/" + key + "/assets/" + one.id + "/original");
        CHECK(refused.status == 403);
        CHECK(http.get("/api/shared/" + key + "/assets/" + other.id + "/thumbnail").status == 404);

        // Nobody shares what is not theirs, and another user's links are 404 to them.
        CHECK(postJson(http, "/api/shared-links", {{"assetIds", {one.id, his.id}}}, bob.auth()).status == 404);
        CHECK(postJson(http, "/api/shared-links", {{"assetIds", {his.id, one.id}}}, bob.auth()).status == 404);
        CHECK(bodyOf(http.get("/api/shared-links", bob.auth())).empty());
        CHECK(http.request("DELETE", "/api/shared-links/" + link["id"].get<std::string>(), bob.auth()).status == 404);
        CHECK(http.get("/api/shared/" + key).status == 200);
        CHECK(postJson(http, "/api/shared-links", {{"assetIds", nlohmann::json::array()}}, alice.auth()).status == 422);
        CHECK(postJson(http, "/api/shared-links", nlohmann::json::object(), alice.auth()).status == 400);
        CHECK(postJson(http, "/api/shared-links", {{"assetIds", {one.id}}, {"expiresAt", "2001-01-01T00:00:00Z"}},
                       alice.auth())
                  .status == 422);
    }

    TEST_CASE("a password-protected link opens only with the unlock cookie, scoped to the link's path") {
        AppFixture fx(fastAuth());
        HttpClient http(fx.port());
        auto alice = firstAccount(http, "alice");
        auto asset = insertAsset(fx.app(), alice.id);
        writeAssetFiles(fx.app(), asset);
        auto link = share(http, alice, {{"assetIds", {asset.id}}, {"password", "open sesame"}});
        CHECK(link["hasPassword"] == true);
        CHECK(link.dump().find("open sesame") == std::string::npos);
        const std::string key = link["key"];
        const auto path = "/api/shared/" + key;

        auto locked = http.get(path);
        CHECK(locked.status == 401);
        CHECK(errorCode(locked) == "password_required");
        CHECK(errorCode(http.get(path + "/assets/" + asset.id + "/original")) == "password_required");
        CHECK(postJson(http, path + "/unlock", {{"password", "wrong"}}).status == 401);
        CHECK(http.get(path + "?password=open%20sesame").status == 401);  // never in a URL

        auto unlocked = postJson(http, path + "/unlock", {{"password", "open sesame"}});
        REQUIRE(unlocked.status == 204);
        const auto setCookie = unlocked.header("Set-Cookie").value_or("");
        CHECK(setCookie.find("Path=/api/shared/" + key) != std::string::npos);
        CHECK(setCookie.find("HttpOnly") != std::string::npos);
        CHECK(setCookie.find("open sesame") == std::string::npos);
        const HeaderList cookie = {{"Cookie", setCookie.substr(0, setCookie.find(';'))}};
        CHECK(http.get(path, cookie).status == 200);
        CHECK(http.get(path + "/assets/" + asset.id + "/original", cookie).status == 200);

        // The cookie of one link opens no other link.
        auto second = share(http, alice, {{"assetIds", {asset.id}}, {"password", "open sesame"}});
        CHECK(http.get("/api/shared/" + second["key"].get<std::string>(), cookie).status == 401);
        CHECK(http.get(path, {{"Cookie", "obscura_share=forged"}}).status == 401);

        // Revoked: the cookie is worth nothing.
        REQUIRE(http.request("DELETE", "/api/shared-links/" + link["id"].get<std::string>(), alice.auth()).status ==
                204);
        CHECK(http.get(path, cookie).status == 404);
    }

    TEST_CASE("guessing a link's password is throttled like sign-ins") {
        AppFixture fx(fastAuth({{"auth.loginFailuresPerUsername", "3"}}));
        HttpClient http(fx.port());
        auto alice = firstAccount(http, "alice");
        auto asset = insertAsset(fx.app(), alice.id);
        auto link = share(http, alice, {{"assetIds", {asset.id}}, {"password", "right one"}});
        const auto unlock = "/api/shared/" + link["key"].get<std::string>() + "/unlock";
        for (int i = 0; i < 3; ++i)
            CHECK(postJson(http, unlock, {{"password", "guess " + std::to_string(i)}}).status == 401);
        auto blocked = postJson(http, unlock, {{"password", "right one"}});
        CHECK(blocked.status == 429);
        CHECK(blocked.hasHeader("Retry-After"));
        // The brake is the link's own: Alice still signs in.
        CHECK(postJson(http, "/api/auth/login", {{"username", "alice"}, {"password", kPassword}}).status == 200);
    }

    TEST_CASE("an expired link is 404 like an unknown one") {
        AppFixture fx(fastAuth());
        HttpClient http(fx.port());
        auto alice = firstAccount(http, "alice");
        auto asset = insertAsset(fx.app(), alice.id);
        auto link = share(http, alice, {{"assetIds", {asset.id}}, {"expiresAt", "2099-01-01T00:00:00+01:00"}});
        CHECK(link["expiresAt"] == "2099-01-01T00:00:00+01:00");
        CHECK(http.get("/api/shared/" + link["key"].get<std::string>()).status == 200);
        // Links whose time is up are written straight into the database (the API refuses a past expiresAt); the
        // same record with a future time answers 200, so the 404 is the expiry's doing.
        auto insert = [&](const std::string& key, std::int64_t expiresAtUs) {
            storage::SharedLinkRecord record;
            record.id = newUuid();
            record.ownerId = alice.id;
            record.key = key;
            unsigned char digest[EVP_MAX_MD_SIZE];
            unsigned length = 0;
            EVP_Digest(key.data(), key.size(), digest, &length, EVP_sha256(), nullptr);
            for (unsigned i = 0; i < length; ++i) {
                static constexpr char kDigits[] = "0123456789abcdef";
                record.keyHash += kDigits[digest[i] >> 4];
                record.keyHash += kDigits[digest[i] & 0xf];
            }
            record.expiresAt = "2001-01-01T00:00:00Z";
            record.expiresAtUs = expiresAtUs;
            record.assetIds = {asset.id};
            record.createdAt = "2001-01-01T00:00:00Z";
            auto created = fx.app().storage().run(
                [&](storage::Repositories& r) { return r.sharedLinks().createSharedLink(record); });
            REQUIRE(created.ok());
        };
        insert("expiredKey0123456789abcdef", 978307200LL * 1000000);
        insert("futureKey0123456789abcdefg", 4102444800LL * 1000000);
        CHECK(http.get("/api/shared/futureKey0123456789abcdefg").status == 200);
        auto expired = http.get("/api/shared/expiredKey0123456789abcdef");
        CHECK(expired.status == 404);
        CHECK(errorCode(expired) == "not_found");
        CHECK(http.get("/api/shared/expiredKey0123456789abcdef/assets/" + asset.id + "/original").status == 404);
    }
}

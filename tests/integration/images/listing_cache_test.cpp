// The listing cache (images.listingCacheBytes) never shows a page older than the library: each request that
// follows a change — through the API, or straight into the database as another replica would write it — sees
// the change, and one user's cached pages never answer another user.
#include <doctest/doctest.h>

#include <algorithm>

#include "app_fixture.hpp"
#include "images_api.hpp"
#include "obscura/storage/storage.hpp"

using namespace obscura;
using namespace obscura::test;

namespace {

std::string titleOf(HttpClient& http, const Account& who, const std::string& path, const std::string& id) {
    auto page = bodyOf(http.get(path, who.auth()));
    for (const auto& item : page["items"])
        if (item["id"] == id) return item["title"].get<std::string>();
    return "<absent>";
}

bool listed(HttpClient& http, const Account& who, const std::string& path, const std::string& id) {
    const auto ids = idsOf(bodyOf(http.get(path, who.auth())));
    return std::find(ids.begin(), ids.end(), id) != ids.end();
}

}  // namespace

TEST_SUITE("images.listing_cache") {
    TEST_CASE("a listing asked again after any change shows the change, whether made by the API or the database") {
        AppFixture fx(fastAuth());
        HttpClient http(fx.port());
        auto alice = firstAccount(http, "alice");
        const auto photo = insertAsset(fx.app(), alice.id, kJuly2021Us, [](auto& a) { a.title = "Before"; });
        const auto other = insertAsset(fx.app(), alice.id, kJuly2021Us - kDayUs);
        const std::string list = "/api/assets?limit=10";
        // Asked twice, so the second answer is the cached one and the changes below must displace it.
        REQUIRE(titleOf(http, alice, list, photo.id) == "Before");
        REQUIRE(titleOf(http, alice, list, photo.id) == "Before");

        REQUIRE(sendJson(http, "PATCH", "/api/assets/" + photo.id, {{"title", "After"}}, alice.auth()).status == 200);
        CHECK(titleOf(http, alice, list, photo.id) == "After");
        CHECK(listed(http, alice, "/api/search?q=After", photo.id));

        CHECK_FALSE(listed(http, alice, "/api/assets?favorite=true", photo.id));
        REQUIRE(sendJson(http, "PATCH", "/api/assets/" + photo.id, {{"isFavorite", true}}, alice.auth()).status == 200);
        CHECK(listed(http, alice, "/api/assets?favorite=true", photo.id));

        CHECK_FALSE(listed(http, alice, "/api/trash", other.id));
        REQUIRE(http.request("DELETE", "/api/assets/" + other.id, alice.auth()).status == 204);
        CHECK_FALSE(listed(http, alice, list, other.id));
        CHECK(listed(http, alice, "/api/trash", other.id));
        REQUIRE(postJson(http, "/api/trash/restore", {{"ids", {other.id}}}, alice.auth()).status == 200);
        CHECK(listed(http, alice, list, other.id));
        CHECK_FALSE(listed(http, alice, "/api/trash", other.id));

        auto album = bodyOf(postJson(http, "/api/albums", {{"albumName", "Trip"}}, alice.auth()));
        const std::string inAlbum = "/api/assets?albumId=" + album["id"].get<std::string>();
        CHECK_FALSE(listed(http, alice, inAlbum, photo.id));
        REQUIRE(sendJson(http, "PUT", "/api/albums/" + album["id"].get<std::string>() + "/assets",
                         {{"ids", {photo.id}}}, alice.auth())
                    .status == 200);
        CHECK(listed(http, alice, inAlbum, photo.id));

        // Another replica's writes reach this process only through the database.
        storage::AssetUpdate update;
        update.title = "Written elsewhere";
        update.updatedAt = "2024-06-01T00:00:00Z";
        auto changed = fx.app().storage().run([&](storage::Repositories& repos) -> Status {
            auto write = repos.images().updateAsset(alice.id, photo.id, update);
            if (!write) return std::move(write).error();
            return {};
        });
        REQUIRE(changed.ok());
        CHECK(titleOf(http, alice, list, photo.id) == "Written elsewhere");
        const auto added = insertAsset(fx.app(), alice.id, kJuly2021Us + kDayUs);
        CHECK(idsOf(bodyOf(http.get(list, alice.auth()))).front() == added.id);
        auto derivative = fx.app().storage().run([&](storage::Repositories& repos) -> Status {
            auto write = repos.images().setDerivativeState(photo.id, "thumbnail", "ready", 3, std::nullopt);
            if (!write) return std::move(write).error();
            return {};
        });
        REQUIRE(derivative.ok());
        const auto page = bodyOf(http.get(list, alice.auth()));  // kept alive: the loop walks into it
        for (const auto& item : page["items"])
            if (item["id"] == photo.id) CHECK(item["derivatives"]["thumbnail"] == "ready");
    }

    TEST_CASE("one user's cached page never answers another user asking the same URL") {
        AppFixture fx(fastAuth());
        HttpClient http(fx.port());
        auto alice = firstAccount(http, "alice");
        auto bob = anotherAccount(http, alice, "bob");
        const auto hers = insertAsset(fx.app(), alice.id);
        REQUIRE(listed(http, alice, "/api/assets", hers.id));
        REQUIRE(listed(http, alice, "/api/assets", hers.id));
        CHECK(idsOf(bodyOf(http.get("/api/assets", bob.auth()))).empty());
        const auto his = insertAsset(fx.app(), bob.id);
        CHECK(idsOf(bodyOf(http.get("/api/assets", bob.auth()))) == std::vector<std::string>{his.id});
        CHECK(idsOf(bodyOf(http.get("/api/assets", alice.auth()))) == std::vector<std::string>{hers.id});
    }

    TEST_CASE("with the cache off (images.listingCacheBytes=0) listings answer the same") {
        AppFixture fx(fastAuth({{"images.listingCacheBytes", "0"}}));
        HttpClient http(fx.port());
        auto alice = firstAccount(http, "alice");
        const auto photo = insertAsset(fx.app(), alice.id, kJuly2021Us, [](auto& a) { a.title = "One"; });
        REQUIRE(titleOf(http, alice, "/api/assets", photo.id) == "One");
        REQUIRE(sendJson(http, "PATCH", "/api/assets/" + photo.id, {{"title", "Two"}}, alice.auth()).status == 200);
        CHECK(titleOf(http, alice, "/api/assets", photo.id) == "Two");
    }
}

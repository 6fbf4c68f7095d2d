#include "sharing/share_link_service.hpp"

#include <doctest/doctest.h>

#include <map>

#include "albums/album_service.hpp"
#include "obscura/auth/password_guard.hpp"
#include "obscura/base/clock.hpp"
#include "obscura/base/ids.hpp"
#include "obscura/kernel/job_queue.hpp"
#include "obscura/storage/storage.hpp"
#include "sharing/link_secrets.hpp"
#include "sqlite_test_storage.hpp"

using namespace obscura;
using namespace obscura::images;
using obscura::test::SqliteTestStorage;

namespace {

// Auth's guard without argon2id: a readable "hash" and a brake after three failed guesses per link.
class FakeGuard final : public auth::PasswordGuard {
public:
    Expected<std::string> hash(std::string_view password) override { return "hashed:" + std::string(password); }
    Expected<bool> verify(const std::string& encoded, std::string_view password) override {
        return encoded == "hashed:" + std::string(password);
    }
    Status check(const std::string& scope, const std::string&) override {
        if (failures[scope] >= 3) return Error(ErrorCode::RateLimited, "too many guesses");
        return {};
    }
    void failed(const std::string& scope, const std::string&) override { ++failures[scope]; }
    void succeeded(const std::string& scope) override { failures.erase(scope); }

    std::map<std::string, int> failures;
};

struct Links {
    SqliteTestStorage db;
    FakeGuard guard;
    SystemClock clock;
    ShareLinkService links{db.storage(), guard, clock};
    AlbumService albums{db.storage(), clock};
    std::string alice = db.createUser("alice");
    std::string bob = db.createUser("bob");

    storage::SharedLinkRecord create(const NewShareLink& link) {
        auto created = links.create(alice, link);
        REQUIRE_MESSAGE(created.ok(), created.error().message);
        return *created;
    }
    NewShareLink ofAssets(std::vector<std::string> ids) {
        NewShareLink link;
        link.assetIds = std::move(ids);
        return link;
    }
};

ErrorCode codeOf(const Status& status) { return status.ok() ? ErrorCode::Internal : status.error().code; }

template <typename T>
ErrorCode codeOf(const Expected<T>& result) {
    return result.ok() ? ErrorCode::Internal : result.error().code;
}

}  // namespace

TEST_SUITE("images.share_link_service") {
    TEST_CASE("a link to another user's album is not found") {
        Links t;
        auto album = t.albums.create(t.bob, NewAlbum{"Bob's", "", {}});
        REQUIRE(album.ok());
        NewShareLink link;
        link.albumId = album->album.id;
        CHECK(codeOf(t.links.create(t.alice, link)) == ErrorCode::NotFound);
    }

    TEST_CASE("a link naming one foreign or trashed asset is refused as a whole") {
        Links t;
        const auto mine = t.db.createAsset(t.alice);
        const auto theirs = t.db.createAsset(t.bob);
        const auto trashed = t.db.createAsset(t.alice);
        t.db.trash(t.alice, trashed.id);
        CHECK(codeOf(t.links.create(t.alice, t.ofAssets({mine.id, theirs.id}))) == ErrorCode::NotFound);
        CHECK(codeOf(t.links.create(t.alice, t.ofAssets({mine.id, trashed.id}))) == ErrorCode::NotFound);
        auto listed = t.links.list(t.alice);
        REQUIRE(listed.ok());
        CHECK(listed->empty());
    }

    TEST_CASE("a new link's rules: some assets but not too many, a future expiry, a non-empty password") {
        Links t;
        CHECK(codeOf(ShareLinkService::checkAssetCount(0)) == ErrorCode::Invalid);
        CHECK(codeOf(ShareLinkService::checkAssetCount(kMaxLinkAssets + 1)) == ErrorCode::Invalid);
        CHECK(ShareLinkService::checkAssetCount(kMaxLinkAssets).ok());
        const auto mine = t.db.createAsset(t.alice);
        auto past = t.ofAssets({mine.id});
        past.expiresAt = "2020-01-01T00:00:00Z";
        past.expiresAtUs = 1577836800LL * 1000000;
        CHECK(codeOf(t.links.create(t.alice, past)) == ErrorCode::Invalid);
        auto empty = t.ofAssets({mine.id});
        empty.password = "";
        CHECK(codeOf(t.links.create(t.alice, empty)) == ErrorCode::Invalid);
        NewShareLink both = t.ofAssets({mine.id});
        both.albumId = newUuid();
        CHECK(codeOf(t.links.create(t.alice, both)) == ErrorCode::BadRequest);
    }

    TEST_CASE("the key finds the link; a wrong, expired or revoked key is not found alike") {
        Links t;
        const auto mine = t.db.createAsset(t.alice);
        const auto link = t.create(t.ofAssets({mine.id, mine.id}));
        CHECK(link.assetIds == std::vector<std::string>{mine.id});
        auto found = t.links.find(link.key);
        REQUIRE(found.ok());
        CHECK(found->id == link.id);
        CHECK(codeOf(t.links.find(newLinkKey())) == ErrorCode::NotFound);
        CHECK(codeOf(t.links.find("")) == ErrorCode::NotFound);
        CHECK(codeOf(t.links.find(std::string(65, 'a'))) == ErrorCode::NotFound);

        // An expired link, written as it would be once its time has passed.
        storage::SharedLinkRecord expired = link;
        expired.id = newUuid();
        expired.key = newLinkKey();
        expired.keyHash = linkKeyHash(expired.key);
        expired.expiresAt = "2020-01-01T00:00:00Z";
        expired.expiresAtUs = 1577836800LL * 1000000;
        REQUIRE(t.db.storage()
                    .run([&](storage::Repositories& repos) { return repos.sharedLinks().createSharedLink(expired); })
                    .ok());
        CHECK(codeOf(t.links.find(expired.key)) == ErrorCode::NotFound);

        CHECK(codeOf(t.links.revoke(t.bob, link.id)) == ErrorCode::NotFound);
        REQUIRE(t.links.revoke(t.alice, link.id).ok());
        CHECK(codeOf(t.links.find(link.key)) == ErrorCode::NotFound);
        CHECK(codeOf(t.links.revoke(t.alice, link.id)) == ErrorCode::NotFound);
    }

    TEST_CASE("a link with a password stays closed until its unlock token comes back") {
        Links t;
        const auto mine = t.db.createAsset(t.alice);
        auto input = t.ofAssets({mine.id});
        input.password = "open sesame";
        const auto link = t.create(input);
        CHECK(link.passwordHash == std::optional<std::string>("hashed:open sesame"));
        auto closed = t.links.open(link.key, std::nullopt);
        REQUIRE_FALSE(closed.ok());
        CHECK(closed.error().code == ErrorCode::Unauthenticated);
        CHECK(closed.error().reason == "password_required");
        CHECK(codeOf(t.links.open(link.key, std::string("forged"))) == ErrorCode::Unauthenticated);

        REQUIRE(t.links.throttle(link, "192.0.2.1").ok());
        auto token = t.links.unlock(link, "open sesame", "192.0.2.1");
        REQUIRE(token.ok());
        auto opened = t.links.open(link.key, *token);
        REQUIRE(opened.ok());
        CHECK(opened->id == link.id);
    }

    TEST_CASE("wrong passwords count as guesses until the link is braked") {
        Links t;
        const auto mine = t.db.createAsset(t.alice);
        auto input = t.ofAssets({mine.id});
        input.password = "right";
        const auto link = t.create(input);
        for (int i = 0; i < 3; ++i) {
            REQUIRE(t.links.throttle(link, "192.0.2.1").ok());
            auto wrong = t.links.unlock(link, "wrong", "192.0.2.1");
            REQUIRE_FALSE(wrong.ok());
            CHECK(wrong.error().reason == "password_required");
        }
        CHECK(codeOf(t.links.throttle(link, "192.0.2.1")) == ErrorCode::RateLimited);
    }

    TEST_CASE("a link shows its own assets only, and none that went to the trash") {
        Links t;
        const auto shown = t.db.createAsset(t.alice);
        const auto binned = t.db.createAsset(t.alice);
        const auto other = t.db.createAsset(t.alice);
        const auto link = t.create(t.ofAssets({shown.id, binned.id}));
        t.db.trash(t.alice, binned.id);
        auto assets = t.links.assets(link);
        REQUIRE(assets.ok());
        REQUIRE(assets->size() == 1);
        CHECK(assets->front().id == shown.id);
        CHECK(t.links.asset(link, shown.id).ok());
        CHECK(codeOf(t.links.asset(link, binned.id)) == ErrorCode::NotFound);
        CHECK(codeOf(t.links.asset(link, other.id)) == ErrorCode::NotFound);
        CHECK(codeOf(t.links.asset(link, "x")) == ErrorCode::NotFound);
        auto album = t.links.album(link);
        REQUIRE(album.ok());
        CHECK_FALSE(album->has_value());
    }

    TEST_CASE("an album link shows the album as it is now") {
        Links t;
        const auto first = t.db.createAsset(t.alice);
        auto album = t.albums.create(t.alice, NewAlbum{"Trip", "", {first.id}});
        REQUIRE(album.ok());
        NewShareLink input;
        input.albumId = album->album.id;
        const auto link = t.create(input);
        const auto later = t.db.createAsset(t.alice);
        REQUIRE(t.albums.addAssets(*album, {later.id}).ok());
        auto assets = t.links.assets(link);
        REQUIRE(assets.ok());
        CHECK(assets->size() == 2);
        CHECK(t.links.asset(link, later.id).ok());
        auto shownAlbum = t.links.album(link);
        REQUIRE(shownAlbum.ok());
        REQUIRE(shownAlbum->has_value());
        CHECK((*shownAlbum)->album.name == "Trip");
    }

    TEST_CASE("a link that does not allow downloads refuses originals") {
        Links t;
        const auto mine = t.db.createAsset(t.alice);
        auto input = t.ofAssets({mine.id});
        input.allowDownload = false;
        const auto link = t.create(input);
        CHECK(codeOf(ShareLinkService::checkDownload(link)) == ErrorCode::Forbidden);
        input.allowDownload = true;
        CHECK(ShareLinkService::checkDownload(t.create(input)).ok());
    }
}

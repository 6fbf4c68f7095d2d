#include "albums/album_service.hpp"

#include <doctest/doctest.h>

#include <algorithm>

#include "assets/asset_text.hpp"
#include "obscura/base/clock.hpp"
#include "sqlite_test_storage.hpp"

using namespace obscura;
using namespace obscura::images;
using obscura::test::SqliteTestStorage;

namespace {

struct Albums {
    SqliteTestStorage db;
    SystemClock clock;
    AlbumService albums{db.storage(), clock};
    std::string alice = db.createUser("alice");
    std::string bob = db.createUser("bob");

    storage::AlbumView create(const std::string& owner, const std::string& name,
                              std::vector<std::string> assetIds = {}) {
        auto album = albums.create(owner, NewAlbum{name, "", std::move(assetIds)});
        REQUIRE_MESSAGE(album.ok(), album.error().message);
        return *album;
    }
};

std::vector<std::string> idsOf(const std::vector<storage::AssetRecord>& assets) {
    std::vector<std::string> ids;
    for (const auto& asset : assets) ids.push_back(asset.id);
    std::sort(ids.begin(), ids.end());
    return ids;
}

std::vector<std::string> errorsOf(const std::vector<AlbumAssetOutcome>& outcomes) {
    std::vector<std::string> errors;
    for (const auto& outcome : outcomes) errors.push_back(outcome.error ? outcome.error : "ok");
    return errors;
}

}  // namespace

TEST_SUITE("images.album_service") {
    TEST_CASE("a new album holds the owner's live assets and skips everyone else's") {
        Albums t;
        const auto mine = t.db.createAsset(t.alice);
        const auto theirs = t.db.createAsset(t.bob);
        const auto album = t.create(t.alice, "Summer", {mine.id, theirs.id, "not-a-uuid"});
        CHECK(album.album.name == "Summer");
        CHECK(album.assetCount == 1);
        auto assets = t.albums.assets(t.alice, album.album.id);
        REQUIRE(assets.ok());
        CHECK(idsOf(*assets) == std::vector<std::string>{mine.id});
    }

    TEST_CASE("an album needs a name within the title rules") {
        Albums t;
        auto empty = t.albums.create(t.alice, NewAlbum{"", "", {}});
        REQUIRE_FALSE(empty.ok());
        CHECK(empty.error().code == ErrorCode::Invalid);
        auto tooLong = t.albums.create(t.alice, NewAlbum{std::string(kMaxTitleBytes + 1, 'a'), "", {}});
        REQUIRE_FALSE(tooLong.ok());
        CHECK(tooLong.error().code == ErrorCode::Invalid);
        auto controls = t.albums.create(t.alice, NewAlbum{"Summer", std::string("a\x01b"), {}});
        REQUIRE_FALSE(controls.ok());
        CHECK(controls.error().code == ErrorCode::Invalid);
    }

    TEST_CASE("a member of nobody's album gets not found") {
        Albums t;
        const auto album = t.create(t.alice, "Alice's");
        auto seen = t.albums.owned(t.bob, album.album.id);
        REQUIRE_FALSE(seen.ok());
        CHECK(seen.error().code == ErrorCode::NotFound);
        auto removed = t.albums.remove(t.bob, album.album.id);
        REQUIRE_FALSE(removed.ok());
        CHECK(removed.error().code == ErrorCode::NotFound);
        CHECK(t.albums.owned(t.alice, album.album.id).ok());
        auto listed = t.albums.list(t.bob);
        REQUIRE(listed.ok());
        CHECK(listed->empty());
    }

    TEST_CASE("an id that is not a UUID names no album") {
        Albums t;
        auto seen = t.albums.owned(t.alice, "albums");
        REQUIRE_FALSE(seen.ok());
        CHECK(seen.error().code == ErrorCode::NotFound);
        CHECK(t.albums.remove(t.alice, "../x").error().code == ErrorCode::NotFound);
    }

    TEST_CASE("adding answers each id in order: added, duplicate, or not found for anyone else's") {
        Albums t;
        const auto mine = t.db.createAsset(t.alice);
        const auto trashed = t.db.createAsset(t.alice);
        t.db.trash(t.alice, trashed.id);
        const auto theirs = t.db.createAsset(t.bob);
        const auto album = t.create(t.alice, "Mixed");
        auto outcomes = t.albums.addAssets(album, {mine.id, mine.id, theirs.id, trashed.id, "nope"});
        REQUIRE_MESSAGE(outcomes.ok(), outcomes.error().message);
        CHECK(errorsOf(*outcomes) ==
              std::vector<std::string>{"ok", "duplicate", "not_found", "not_found", "not_found"});
        CHECK((*outcomes)[4].id == "nope");
        auto again = t.albums.addAssets(album, {mine.id});
        REQUIRE(again.ok());
        CHECK(errorsOf(*again) == std::vector<std::string>{"duplicate"});
    }

    TEST_CASE("removing an asset that is not in the album answers not found, and the asset stays") {
        Albums t;
        const auto in = t.db.createAsset(t.alice);
        const auto out = t.db.createAsset(t.alice);
        const auto album = t.create(t.alice, "Two", {in.id});
        auto outcomes = t.albums.removeAssets(album, {out.id, in.id, in.id});
        REQUIRE(outcomes.ok());
        CHECK(errorsOf(*outcomes) == std::vector<std::string>{"not_found", "ok", "not_found"});
        auto assets = t.albums.assets(t.alice, album.album.id);
        REQUIRE(assets.ok());
        CHECK(assets->empty());
    }

    TEST_CASE("a cover must be an asset of the album") {
        Albums t;
        const auto in = t.db.createAsset(t.alice);
        const auto outside = t.db.createAsset(t.alice);
        const auto album = t.create(t.alice, "Covered", {in.id});
        storage::AlbumUpdate wrong;
        wrong.thumbnailAssetId = std::optional<std::string>(outside.id);
        auto refused = t.albums.update(album, wrong);
        REQUIRE_FALSE(refused.ok());
        CHECK(refused.error().code == ErrorCode::Invalid);
        storage::AlbumUpdate right;
        right.thumbnailAssetId = std::optional<std::string>(in.id);
        right.name = "Renamed";
        auto updated = t.albums.update(album, right);
        REQUIRE_MESSAGE(updated.ok(), updated.error().message);
        CHECK(updated->album.name == "Renamed");
        CHECK(updated->coverAssetId == in.id);
    }

    TEST_CASE("a rename follows the name rules") {
        Albums t;
        const auto album = t.create(t.alice, "Named");
        storage::AlbumUpdate update;
        update.name = "";
        auto refused = t.albums.update(album, update);
        REQUIRE_FALSE(refused.ok());
        CHECK(refused.error().code == ErrorCode::Invalid);
    }

    TEST_CASE("an album's assets leave out the trash, and deleting the album keeps the assets") {
        Albums t;
        const auto kept = t.db.createAsset(t.alice);
        const auto binned = t.db.createAsset(t.alice);
        const auto album = t.create(t.alice, "Bin", {kept.id, binned.id});
        t.db.trash(t.alice, binned.id);
        auto assets = t.albums.assets(t.alice, album.album.id);
        REQUIRE(assets.ok());
        CHECK(idsOf(*assets) == std::vector<std::string>{kept.id});
        REQUIRE(t.albums.remove(t.alice, album.album.id).ok());
        CHECK(t.albums.owned(t.alice, album.album.id).error().code == ErrorCode::NotFound);
        std::optional<storage::AssetRecord> stays;
        REQUIRE(t.db.storage()
                    .run([&](storage::Repositories& repos) -> Status {
                        OBSCURA_TRY(found, repos.images().findAsset(t.alice, kept.id));
                        stays = std::move(found);
                        return {};
                    })
                    .ok());
        CHECK(stays.has_value());
        auto listed = t.albums.list(t.alice);
        REQUIRE(listed.ok());
        CHECK(listed->empty());
    }
}

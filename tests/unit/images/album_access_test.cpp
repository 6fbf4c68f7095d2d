// Album access through the seam: what an editor and a viewer may do with an album's assets, the asset grant an
// album gives, and groups' own rules (GroupService).
#include "access/grants.hpp"
#include "album_sharing_fixture.hpp"

using namespace obscura;
using namespace obscura::images;
using namespace obscura::images::test;

namespace {

std::vector<std::string> errorsOf(const Expected<std::vector<AlbumAssetOutcome>>& outcomes) {
    REQUIRE(outcomes.ok());
    std::vector<std::string> errors;
    for (const auto& o : *outcomes) errors.push_back(o.error ? o.error : "ok");
    return errors;
}

}  // namespace

TEST_SUITE("images.album_access") {
    TEST_CASE("editors add and remove only their own assets; viewers change nothing; the owner removes any") {
        SharingWorld w;
        const auto album = w.album(w.alice, "Summer");
        w.share(album.album.id, w.bob, AlbumRole::Editor);
        w.share(album.album.id, w.carol, AlbumRole::Viewer);
        const auto alices = w.db.createAsset(w.alice);
        const auto bobs = w.db.createAsset(w.bob);
        const auto carols = w.db.createAsset(w.carol);
        REQUIRE(w.albums.addAssets(album, {alices.id}).ok());

        const auto editor = w.grantOf(w.bob, album.album.id);
        // Someone else's asset is not_found even when it is in the album already: nothing about it is revealed.
        CHECK(errorsOf(w.albums.changeAssetsAs(editor, w.bob, {bobs.id, alices.id, carols.id, bobs.id}, true)) ==
              std::vector<std::string>{"ok", "not_found", "not_found", "duplicate"});
        const auto viewer = w.grantOf(w.carol, album.album.id);
        auto refused = w.albums.changeAssetsAs(viewer, w.carol, {carols.id}, true);
        CHECK(refused.error().code == ErrorCode::Forbidden);
        CHECK(w.albums.changeAssetsAs(viewer, w.carol, {alices.id}, false).error().code == ErrorCode::Forbidden);

        auto assets = w.albums.memberAssets(album.album.id);
        REQUIRE(assets.ok());
        CHECK(assets->size() == 2);  // Alice's and Bob's, whoever owns them

        CHECK(errorsOf(w.albums.changeAssetsAs(editor, w.bob, {alices.id}, false)) ==
              std::vector<std::string>{"not_found"});
        const auto owner = w.grantOf(w.alice, album.album.id);
        CHECK(errorsOf(w.albums.changeAssetsAs(owner, w.alice, {bobs.id}, false)) == std::vector<std::string>{"ok"});
        CHECK(w.albums.memberAssets(album.album.id)->size() == 1);
    }

    TEST_CASE(
        "an album grants its assets: editors and viewers see, downloads follow the album, the trash stays private") {
        SharingWorld w;
        const auto album = w.album(w.alice, "Summer");
        const auto photo = w.db.createAsset(w.alice);
        REQUIRE(w.albums.addAssets(album, {photo.id}).ok());

        auto stranger = w.access.asset(w.bob, photo.id);
        REQUIRE(stranger.ok());
        CHECK_FALSE(stranger->has_value());

        w.share(album.album.id, w.bob, AlbumRole::Viewer);
        auto viewer = w.access.asset(w.bob, photo.id);
        REQUIRE(viewer->has_value());
        CHECK((*viewer)->relation == AssetRelation::AlbumViewer);
        CHECK((*viewer)->mayDownload);
        CHECK(AccessService::allow(**viewer, AssetAction::View).ok());
        CHECK(AccessService::allow(**viewer, AssetAction::Change).error().code == ErrorCode::Forbidden);

        storage::AlbumUpdate noDownloads;
        noDownloads.allowDownload = false;
        REQUIRE(w.albums.update(album, noDownloads).ok());
        viewer = w.access.asset(w.bob, photo.id);
        CHECK_FALSE((*viewer)->mayDownload);
        CHECK(AccessService::allow(**viewer, AssetAction::Download).error().code == ErrorCode::Forbidden);

        // The album's owner sees (and downloads) what an editor added.
        w.share(album.album.id, w.carol, AlbumRole::Editor);
        const auto carols = w.db.createAsset(w.carol);
        REQUIRE(w.albums.changeAssetsAs(w.grantOf(w.carol, album.album.id), w.carol, {carols.id}, true).ok());
        auto owner = w.access.asset(w.alice, carols.id);
        REQUIRE(owner->has_value());
        CHECK((*owner)->relation == AssetRelation::AlbumEditor);
        CHECK((*owner)->mayDownload);
        CHECK(AccessService::allow(**owner, AssetAction::Trash).error().code == ErrorCode::Forbidden);

        w.db.trash(w.alice, photo.id);
        CHECK_FALSE(w.access.asset(w.bob, photo.id)->has_value());
        CHECK_FALSE(w.access.asset(w.bob, "not-a-uuid")->has_value());
    }

    TEST_CASE("groups: the owner changes them, members see them, strangers do not") {
        SharingWorld w;
        auto family = w.groups.create(w.alice, "Family");
        REQUIRE(family.ok());
        CHECK(w.groups.create(w.alice, "").error().code == ErrorCode::Invalid);
        REQUIRE(w.groups.setMembers(*family, {w.bob}).ok());

        auto own = w.groups.visible(w.alice, family->view.group.id);
        REQUIRE(own.ok());
        CHECK(own->owner);
        CHECK(own->view.group.ownerId == w.alice);
        auto seen = w.groups.visible(w.bob, family->view.group.id);
        REQUIRE(seen.ok());
        CHECK_FALSE(seen->owner);
        CHECK(w.groups.rename(*seen, "Mine").error().code == ErrorCode::Forbidden);
        CHECK(w.groups.setMembers(*seen, {w.bob, w.carol}).error().code == ErrorCode::Forbidden);
        CHECK(w.groups.remove(*seen).error().code == ErrorCode::Forbidden);
        CHECK(w.groups.visible(w.carol, family->view.group.id).error().code == ErrorCode::NotFound);
        CHECK(w.groups.list(w.bob)->size() == 1);
        CHECK(w.groups.list(w.carol)->empty());

        auto twice = w.groups.setMembers(*family, {w.carol, w.carol});
        CHECK(twice.error().reason == "duplicate_member");
        auto unknown = w.groups.setMembers(*family, {w.carol, newUuid()});
        CHECK(unknown.error().reason == "unknown_user");
        CHECK(w.groups.visible(w.bob, family->view.group.id)->view.members.size() == 1);  // unchanged

        auto renamed = w.groups.rename(*family, "Family 2");
        REQUIRE(renamed.ok());
        CHECK(renamed->view.group.name == "Family 2");
        REQUIRE(w.groups.remove(*family).ok());
        CHECK(w.groups.visible(w.alice, family->view.group.id).error().code == ErrorCode::NotFound);
    }
}

// AlbumSharingService's rules against a real SQLite storage: who may share, what a share body may ask, what one
// refusal leaves behind (nothing), and which notices go out.
#include "album_sharing_fixture.hpp"

using namespace obscura;
using namespace obscura::images;
using namespace obscura::images::test;

TEST_SUITE("images.album_sharing") {
    TEST_CASE("the owner shares with members who then see the album with their role; strangers do not") {
        SharingWorld w;
        const auto album = w.album(w.alice, "Summer");
        CHECK(w.roleOf(w.bob, album.album.id) == AlbumRole::None);
        auto shared = w.sharing.addMembers(w.grantOf(w.alice, album.album.id),
                                           {{w.bob, AlbumRole::Editor}, {w.carol, AlbumRole::Viewer}});
        REQUIRE_MESSAGE(shared.ok(), shared.error().message);
        CHECK(w.roleOf(w.alice, album.album.id) == AlbumRole::Owner);
        CHECK(w.roleOf(w.bob, album.album.id) == AlbumRole::Editor);
        CHECK(w.roleOf(w.carol, album.album.id) == AlbumRole::Viewer);
        const auto dave = w.db.createUser("dave");
        CHECK(w.roleOf(dave, album.album.id) == AlbumRole::None);

        auto details = w.sharing.details(album, AlbumRole::Owner);
        REQUIRE(details.ok());
        CHECK(details->shared);
        CHECK(details->owner.id == w.alice);
        REQUIRE(details->members.size() == 2);

        const auto notices = w.noticesAfter(2);
        REQUIRE(notices.size() == 2);
        CHECK(notices[0].userId == w.bob);
        CHECK(notices[0].role == "editor");
        CHECK(notices[0].albumName == "Summer");
        CHECK(notices[0].ownerName == "User alice");
        CHECK(notices[1].userId == w.carol);
    }

    TEST_CASE("bad shares are refused with their own reason and change nothing") {
        SharingWorld w;
        const auto album = w.album(w.alice, "Summer");
        const auto grant = w.grantOf(w.alice, album.album.id);
        const auto disabled = w.db.createUser("disabled");
        w.disable(disabled);
        w.share(album.album.id, w.carol, AlbumRole::Viewer);

        auto self = w.sharing.addMembers(grant, {{w.bob, AlbumRole::Viewer}, {w.alice, AlbumRole::Viewer}});
        CHECK(self.error().code == ErrorCode::Invalid);
        CHECK(reasonOf(self) == "share_with_self");
        auto unknown = w.sharing.addMembers(grant, {{w.bob, AlbumRole::Viewer}, {newUuid(), AlbumRole::Viewer}});
        CHECK(reasonOf(unknown) == "unknown_user");
        CHECK(reasonOf(w.sharing.addMembers(grant, {{"not-a-uuid", AlbumRole::Viewer}})) == "unknown_user");
        CHECK(reasonOf(w.sharing.addMembers(grant, {{w.bob, AlbumRole::Viewer}, {disabled, AlbumRole::Viewer}})) ==
              "unknown_user");
        auto twice = w.sharing.addMembers(grant, {{w.bob, AlbumRole::Viewer}, {w.bob, AlbumRole::Editor}});
        CHECK(reasonOf(twice) == "duplicate_member");
        auto again = w.sharing.addMembers(grant, {{w.bob, AlbumRole::Viewer}, {w.carol, AlbumRole::Editor}});
        CHECK(again.error().code == ErrorCode::Conflict);
        CHECK(reasonOf(again) == "already_member");

        // Bob was in every refused body: none of them let him in, and Carol kept her role.
        CHECK(w.roleOf(w.bob, album.album.id) == AlbumRole::None);
        CHECK(w.roleOf(w.carol, album.album.id) == AlbumRole::Viewer);
        CHECK(w.noticesAfter(1).size() == 1);
    }

    TEST_CASE("only the owner shares or changes roles; a member may only leave") {
        SharingWorld w;
        const auto album = w.album(w.alice, "Summer");
        w.share(album.album.id, w.bob, AlbumRole::Editor);
        w.share(album.album.id, w.carol, AlbumRole::Viewer);
        const auto bobs = w.grantOf(w.bob, album.album.id);
        const auto dave = w.db.createUser("dave");
        CHECK(w.sharing.addMembers(bobs, {{dave, AlbumRole::Viewer}}).error().code == ErrorCode::Forbidden);
        CHECK(w.sharing.setMemberRole(bobs, w.carol, AlbumRole::Editor).error().code == ErrorCode::Forbidden);
        CHECK(w.sharing.removeMember(bobs, w.bob, w.carol).error().code == ErrorCode::Forbidden);
        CHECK(w.sharing.setGroups(bobs, {}).error().code == ErrorCode::Forbidden);
        CHECK(w.roleOf(w.carol, album.album.id) == AlbumRole::Viewer);

        const auto owner = w.grantOf(w.alice, album.album.id);
        CHECK(w.sharing.setMemberRole(owner, w.carol, AlbumRole::Editor).ok());
        CHECK(w.roleOf(w.carol, album.album.id) == AlbumRole::Editor);
        CHECK(w.sharing.setMemberRole(owner, dave, AlbumRole::Editor).error().code == ErrorCode::NotFound);
        CHECK(reasonOf(w.sharing.removeMember(owner, w.alice, "me")) == "owner_cannot_leave");

        CHECK(w.sharing.removeMember(bobs, w.bob, "me").ok());
        CHECK(w.roleOf(w.bob, album.album.id) == AlbumRole::None);
        CHECK(w.sharing.removeMember(owner, w.alice, w.carol).ok());
        CHECK(w.roleOf(w.carol, album.album.id) == AlbumRole::None);
        CHECK(w.sharing.removeMember(owner, w.alice, w.carol).error().code == ErrorCode::NotFound);
    }

    TEST_CASE("a group share reaches present and future members and ends with the seat") {
        SharingWorld w;
        const auto album = w.album(w.alice, "Family");
        auto family = w.groups.create(w.alice, "Family");
        REQUIRE(family.ok());
        REQUIRE(w.groups.setMembers(*family, {w.bob}).ok());
        const auto owner = w.grantOf(w.alice, album.album.id);
        REQUIRE(w.sharing.setGroups(owner, {{family->view.group.id, AlbumRole::Viewer}}).ok());
        CHECK(w.roleOf(w.bob, album.album.id) == AlbumRole::Viewer);
        CHECK(w.roleOf(w.carol, album.album.id) == AlbumRole::None);

        REQUIRE(w.groups.setMembers(*family, {w.bob, w.carol}).ok());  // a future member
        CHECK(w.roleOf(w.carol, album.album.id) == AlbumRole::Viewer);
        REQUIRE(w.groups.setMembers(*family, {w.bob}).ok());  // the seat goes, access goes
        CHECK(w.roleOf(w.carol, album.album.id) == AlbumRole::None);

        // Someone else's group, an id twice, a non-UUID: refused, the share as it was.
        auto bobsGroup = w.groups.create(w.bob, "Bob's");
        REQUIRE(bobsGroup.ok());
        CHECK(reasonOf(w.sharing.setGroups(owner, {{bobsGroup->view.group.id, AlbumRole::Editor}})) == "unknown_group");
        CHECK(reasonOf(w.sharing.setGroups(owner, {{family->view.group.id, AlbumRole::Editor},
                                                   {family->view.group.id, AlbumRole::Viewer}})) == "duplicate_group");
        CHECK(reasonOf(w.sharing.setGroups(owner, {{"x", AlbumRole::Editor}})) == "unknown_group");
        CHECK(w.roleOf(w.bob, album.album.id) == AlbumRole::Viewer);

        // PUT replaces: a new role, then none at all.
        REQUIRE(w.sharing.setGroups(owner, {{family->view.group.id, AlbumRole::Editor}}).ok());
        CHECK(w.roleOf(w.bob, album.album.id) == AlbumRole::Editor);
        REQUIRE(w.sharing.setGroups(owner, {}).ok());
        CHECK(w.roleOf(w.bob, album.album.id) == AlbumRole::None);
        // One notice for the first share (Bob); a role change tells nobody.
        const auto notices = w.noticesAfter(1);
        REQUIRE(notices.size() == 1);
        CHECK(notices[0].userId == w.bob);
    }

    TEST_CASE("nested albums: the parent must be the owner's, a cycle is a conflict, roles flow down") {
        SharingWorld w;
        const auto trips = w.album(w.alice, "Trips");
        const auto rome = w.album(w.alice, "Rome", trips.album.id);
        CHECK(rome.album.parentId == trips.album.id);
        const auto bobs = w.album(w.bob, "Bob's");
        auto foreign = w.albums.create(w.alice, NewAlbum{"X", "", {}, bobs.album.id});
        REQUIRE_FALSE(foreign.ok());
        CHECK(foreign.error().reason == "unknown_parent");

        storage::AlbumUpdate loop;
        loop.parentId = std::optional<std::string>(rome.album.id);
        auto cycle = w.albums.update(trips, loop);
        REQUIRE_FALSE(cycle.ok());
        CHECK(cycle.error().code == ErrorCode::Conflict);
        CHECK(cycle.error().reason == "album_cycle");
        loop.parentId = std::optional<std::string>(trips.album.id);
        CHECK(w.albums.update(trips, loop).error().reason == "album_cycle");

        w.share(trips.album.id, w.bob, AlbumRole::Viewer);
        CHECK(w.roleOf(w.bob, rome.album.id) == AlbumRole::Viewer);
        auto children = w.sharing.children(w.grantOf(w.bob, trips.album.id), w.bob);
        REQUIRE(children.ok());
        REQUIRE(children->size() == 1);
        CHECK(children->front().role == AlbumRole::Viewer);
        auto details = w.sharing.details(rome, AlbumRole::Owner);
        CHECK(details->shared);  // through its parent

        // Deleting the parent moves the child to the top level: Bob's inherited role goes with it.
        REQUIRE(w.albums.remove(w.alice, trips.album.id).ok());
        const auto moved = w.grantOf(w.alice, rome.album.id);
        CHECK_FALSE(moved.album.album.parentId.has_value());
        CHECK(w.roleOf(w.bob, rome.album.id) == AlbumRole::None);
    }
}

// The album-sharing repository's contract: members with roles, groups and their seats, albums shared with a
// group, roles inherited down the album tree, assets of several owners in one album, and every row going with
// the user, album or group it names.
#include <doctest/doctest.h>

#include "backend_context.hpp"
#include "conformance_support.hpp"
#include "images_support.hpp"

using namespace obscura;
using namespace obscura::conformance;
using storage::AlbumAssetChange;
using storage::AlbumRole;
using storage::AlbumSharingRepository;

namespace {

storage::AlbumRecord makeAlbum(const std::string& ownerId, const std::string& name, std::int64_t createdAtUs,
                               std::optional<std::string> parentId = std::nullopt) {
    storage::AlbumRecord a;
    a.id = newUuid();
    a.ownerId = ownerId;
    a.name = name;
    a.createdAt = utcText(createdAtUs);
    a.createdAtUs = createdAtUs;
    a.updatedAt = a.createdAt;
    a.parentId = std::move(parentId);
    return a;
}

// Runs fn on the sharing repository (or, with Repositories&, on all of them) and REQUIREs success.
template <typename Fn>
auto sharing(storage::Storage& storage, Fn&& fn) {
    using Result = decltype(fn(std::declval<AlbumSharingRepository&>()));
    std::optional<Result> result;
    Status status = storage.run([&](storage::Repositories& repos) -> Status {
        result.emplace(fn(repos.albumSharing()));
        return {};
    });
    REQUIRE_MESSAGE(status.ok(), (status.ok() ? "" : status.error().message));
    return std::move(*result);
}

// The same with every repository of the connection.
template <typename Fn>
auto all(storage::Storage& storage, Fn&& fn) {
    using Result = decltype(fn(std::declval<storage::Repositories&>()));
    std::optional<Result> result;
    Status status = storage.run([&](storage::Repositories& repos) -> Status {
        result.emplace(fn(repos));
        return {};
    });
    REQUIRE_MESSAGE(status.ok(), (status.ok() ? "" : status.error().message));
    return std::move(*result);
}

void createAlbumOk(storage::Storage& s, const storage::AlbumRecord& album) {
    auto created = all(s, [&](storage::Repositories& repos) { return repos.albums().createAlbum(album); });
    REQUIRE_MESSAGE(created.ok(), (created.ok() ? "" : created.error().message));
}

storage::GroupRecord makeGroup(const std::string& ownerId, const std::string& name) {
    return {newUuid(), ownerId, name, utcText(kJuly2021Us), kJuly2021Us, utcText(kJuly2021Us)};
}

AlbumRole roleOf(storage::Storage& s, const std::string& user, const std::string& album) {
    auto role = sharing(s, [&](AlbumSharingRepository& r) { return r.memberRole(user, album); });
    REQUIRE(role.ok());
    return *role;
}

std::vector<std::string> idsOf(const std::vector<storage::AlbumView>& views) {
    std::vector<std::string> out;
    for (const auto& v : views) out.push_back(v.album.id);
    return out;
}

}  // namespace

TEST_SUITE("conformance.images.album_sharing") {
    TEST_CASE("members join with a role, once; the role changes and the member leaves") {
        forEachBackend([](Backend& backend) {
            auto database = backend.newDatabase();
            auto storage = openMigrated(*database);
            const auto alice = createOwner(*storage, "shm-a");
            const auto bob = createOwner(*storage, "shm-b");
            const auto carol = createOwner(*storage, "shm-c");
            auto album = makeAlbum(alice, "Summer", 1000);
            createAlbumOk(*storage, album);

            CHECK(roleOf(*storage, bob, album.id) == AlbumRole::None);
            CHECK(sharing(*storage, [&](AlbumSharingRepository& r) {
                      return r.addAlbumMember(album.id, bob, AlbumRole::Viewer, "2024-01-01T00:00:00Z");
                  }).ok());
            auto again = sharing(*storage, [&](AlbumSharingRepository& r) {
                return r.addAlbumMember(album.id, bob, AlbumRole::Editor, "2024-01-01T00:00:00Z");
            });
            REQUIRE_FALSE(again.ok());
            CHECK(again.error().code == ErrorCode::Conflict);
            CHECK(sharing(*storage, [&](AlbumSharingRepository& r) {
                      return r.addAlbumMember(album.id, carol, AlbumRole::Editor, "2024-01-02T00:00:00Z");
                  }).ok());

            auto members = sharing(*storage, [&](AlbumSharingRepository& r) { return r.listAlbumMembers(album.id); });
            REQUIRE(members.ok());
            REQUIRE(members->size() == 2);
            CHECK((*members)[0].user.id == bob);  // by username: User_shm-b… before User_shm-c…
            CHECK((*members)[0].user.displayName == "User shm-b");
            CHECK((*members)[0].role == AlbumRole::Viewer);
            CHECK((*members)[0].addedAt == "2024-01-01T00:00:00Z");
            CHECK((*members)[1].role == AlbumRole::Editor);
            CHECK(roleOf(*storage, bob, album.id) == AlbumRole::Viewer);
            CHECK(roleOf(*storage, carol, album.id) == AlbumRole::Editor);

            CHECK(*sharing(*storage, [&](AlbumSharingRepository& r) {
                return r.setAlbumMemberRole(album.id, bob, AlbumRole::Editor);
            }));
            CHECK(roleOf(*storage, bob, album.id) == AlbumRole::Editor);
            CHECK_FALSE(*sharing(*storage, [&](AlbumSharingRepository& r) {
                return r.setAlbumMemberRole(album.id, alice, AlbumRole::Editor);
            }));

            auto with = sharing(*storage, [&](AlbumSharingRepository& r) { return r.listAlbumsSharedWith(bob); });
            REQUIRE(with->size() == 1);
            CHECK((*with)[0].view.album.id == album.id);
            CHECK((*with)[0].role == AlbumRole::Editor);
            auto by = sharing(*storage, [&](AlbumSharingRepository& r) { return r.listAlbumsSharedBy(alice); });
            CHECK(idsOf(*by) == std::vector<std::string>{album.id});
            CHECK(sharing(*storage, [&](AlbumSharingRepository& r) { return r.listAlbumsSharedBy(bob); })->empty());

            CHECK(*sharing(*storage, [&](AlbumSharingRepository& r) { return r.removeAlbumMember(album.id, bob); }));
            CHECK_FALSE(
                *sharing(*storage, [&](AlbumSharingRepository& r) { return r.removeAlbumMember(album.id, bob); }));
            CHECK(roleOf(*storage, bob, album.id) == AlbumRole::None);
            CHECK(sharing(*storage, [&](AlbumSharingRepository& r) { return r.listAlbumsSharedWith(bob); })->empty());
        });
    }

    TEST_CASE("groups: seats replace, the album's group role reaches every seat, the strongest role wins") {
        forEachBackend([](Backend& backend) {
            auto database = backend.newDatabase();
            auto storage = openMigrated(*database);
            const auto alice = createOwner(*storage, "shg-a");
            const auto bob = createOwner(*storage, "shg-b");
            const auto carol = createOwner(*storage, "shg-c");
            auto album = makeAlbum(alice, "Family", 1000);
            createAlbumOk(*storage, album);
            auto family = makeGroup(alice, "Family");
            CHECK(sharing(*storage, [&](AlbumSharingRepository& r) { return r.createGroup(family); }).ok());
            CHECK(sharing(*storage, [&](AlbumSharingRepository& r) {
                      return r.setGroupMembers(family.id, {carol, bob}, "t1");
                  }).ok());
            auto found = sharing(*storage, [&](AlbumSharingRepository& r) { return r.findGroup(family.id); });
            REQUIRE(found->has_value());
            CHECK((*found)->group.name == "Family");
            CHECK((*found)->group.updatedAt == "t1");
            REQUIRE((*found)->members.size() == 2);
            CHECK((*found)->members[0].id == bob);
            CHECK_FALSE(
                sharing(*storage, [&](AlbumSharingRepository& r) { return r.findGroup(newUuid()); })->has_value());
            auto missing =
                sharing(*storage, [&](AlbumSharingRepository& r) { return r.setGroupMembers(newUuid(), {bob}, "t"); });
            CHECK(missing.error().code == ErrorCode::NotFound);

            // Listed for the owner and for each member, by name.
            auto other = makeGroup(bob, "Bob's");
            CHECK(sharing(*storage, [&](AlbumSharingRepository& r) { return r.createGroup(other); }).ok());
            auto bobs = sharing(*storage, [&](AlbumSharingRepository& r) { return r.listGroups(bob); });
            REQUIRE(bobs->size() == 2);
            CHECK((*bobs)[0].group.id == other.id);
            CHECK((*bobs)[1].group.id == family.id);
            CHECK((*bobs)[1].members.size() == 2);
            CHECK(sharing(*storage, [&](AlbumSharingRepository& r) { return r.listGroups(alice); })->size() == 1);
            CHECK(*sharing(*storage, [&](AlbumSharingRepository& r) { return r.renameGroup(other.id, "B", "t2"); }));
            CHECK_FALSE(
                *sharing(*storage, [&](AlbumSharingRepository& r) { return r.renameGroup(newUuid(), "B", "t2"); }));

            CHECK(sharing(*storage, [&](AlbumSharingRepository& r) {
                      return r.setAlbumGroup(album.id, family.id, AlbumRole::Viewer);
                  }).ok());
            CHECK(roleOf(*storage, carol, album.id) == AlbumRole::Viewer);
            CHECK(sharing(*storage, [&](AlbumSharingRepository& r) {
                      return r.setAlbumGroup(album.id, family.id, AlbumRole::Editor);
                  }).ok());
            auto shares = sharing(*storage, [&](AlbumSharingRepository& r) { return r.listAlbumGroups(album.id); });
            REQUIRE(shares->size() == 1);
            CHECK((*shares)[0].group.id == family.id);
            CHECK((*shares)[0].role == AlbumRole::Editor);
            CHECK(roleOf(*storage, carol, album.id) == AlbumRole::Editor);
            // Direct viewer and group editor: the editor role wins.
            CHECK(sharing(*storage, [&](AlbumSharingRepository& r) {
                      return r.addAlbumMember(album.id, bob, AlbumRole::Viewer, "t");
                  }).ok());
            CHECK(roleOf(*storage, bob, album.id) == AlbumRole::Editor);

            // A seat removed is access removed.
            CHECK(sharing(*storage, [&](AlbumSharingRepository& r) {
                      return r.setGroupMembers(family.id, {bob}, "t3");
                  }).ok());
            CHECK(roleOf(*storage, carol, album.id) == AlbumRole::None);
            CHECK(
                *sharing(*storage, [&](AlbumSharingRepository& r) { return r.removeAlbumGroup(album.id, family.id); }));
            CHECK_FALSE(
                *sharing(*storage, [&](AlbumSharingRepository& r) { return r.removeAlbumGroup(album.id, family.id); }));
            CHECK(roleOf(*storage, bob, album.id) == AlbumRole::Viewer);

            CHECK(sharing(*storage, [&](AlbumSharingRepository& r) {
                      return r.setAlbumGroup(album.id, family.id, AlbumRole::Editor);
                  }).ok());
            CHECK(*sharing(*storage, [&](AlbumSharingRepository& r) { return r.deleteGroup(family.id); }));
            CHECK_FALSE(*sharing(*storage, [&](AlbumSharingRepository& r) { return r.deleteGroup(family.id); }));
            CHECK(sharing(*storage, [&](AlbumSharingRepository& r) { return r.listAlbumGroups(album.id); })->empty());
            CHECK(roleOf(*storage, bob, album.id) == AlbumRole::Viewer);
        });
    }

    TEST_CASE("the album tree: chains, children, inherited roles, and a deleted parent's children move up") {
        forEachBackend([](Backend& backend) {
            auto database = backend.newDatabase();
            auto storage = openMigrated(*database);
            const auto alice = createOwner(*storage, "sht-a");
            const auto bob = createOwner(*storage, "sht-b");
            auto root = makeAlbum(alice, "Trips", 1000);
            auto mid = makeAlbum(alice, "2024", 2000, root.id);
            auto leaf = makeAlbum(alice, "Rome", 3000, mid.id);
            auto sibling = makeAlbum(alice, "Paris", 4000, mid.id);
            for (const auto* a : {&root, &mid, &leaf, &sibling}) createAlbumOk(*storage, *a);

            auto chain = sharing(*storage, [&](AlbumSharingRepository& r) { return r.albumChain(leaf.id); });
            CHECK(*chain == std::vector<std::string>{leaf.id, mid.id, root.id});
            CHECK(sharing(*storage, [&](AlbumSharingRepository& r) { return r.albumChain(newUuid()); })->empty());
            auto children =
                sharing(*storage, [&](AlbumSharingRepository& r) { return r.listChildAlbums(alice, mid.id); });
            CHECK(idsOf(*children) == std::vector<std::string>{sibling.id, leaf.id});
            CHECK(
                sharing(*storage, [&](AlbumSharingRepository& r) { return r.listChildAlbums(bob, mid.id); })->empty());
            auto any = sharing(*storage, [&](AlbumSharingRepository& r) { return r.findAnyAlbum(leaf.id); });
            REQUIRE(any->has_value());
            CHECK((*any)->album.parentId == mid.id);
            CHECK((*any)->album.allowDownload);

            CHECK(sharing(*storage, [&](AlbumSharingRepository& r) {
                      return r.addAlbumMember(mid.id, bob, AlbumRole::Editor, "t");
                  }).ok());
            CHECK(roleOf(*storage, bob, leaf.id) == AlbumRole::Editor);
            CHECK(roleOf(*storage, bob, mid.id) == AlbumRole::Editor);
            CHECK(roleOf(*storage, bob, root.id) == AlbumRole::None);
            auto with = sharing(*storage, [&](AlbumSharingRepository& r) { return r.listAlbumsSharedWith(bob); });
            REQUIRE(with->size() == 3);  // newest first: Paris, Rome, 2024
            CHECK((*with)[0].view.album.id == sibling.id);
            CHECK((*with)[2].view.album.id == mid.id);
            CHECK((*with)[1].role == AlbumRole::Editor);

            // Reparenting and the download switch go through updateAlbum.
            storage::AlbumUpdate move;
            move.parentId = std::optional<std::string>();
            move.allowDownload = false;
            move.updatedAt = "t";
            auto moved = all(*storage, [&](storage::Repositories& repos) {
                return repos.albums().updateAlbum(alice, sibling.id, move);
            });
            REQUIRE(moved.ok());
            any = sharing(*storage, [&](AlbumSharingRepository& r) { return r.findAnyAlbum(sibling.id); });
            CHECK_FALSE((*any)->album.parentId.has_value());
            CHECK_FALSE((*any)->album.allowDownload);
            CHECK(roleOf(*storage, bob, sibling.id) == AlbumRole::None);

            auto deleted =
                all(*storage, [&](storage::Repositories& repos) { return repos.albums().deleteAlbum(alice, mid.id); });
            REQUIRE(deleted.ok());
            any = sharing(*storage, [&](AlbumSharingRepository& r) { return r.findAnyAlbum(leaf.id); });
            CHECK((*any)->album.parentId == root.id);
            CHECK(roleOf(*storage, bob, leaf.id) == AlbumRole::None);
        });
    }

    TEST_CASE("members add and remove only their own assets; the album lists every owner's live assets") {
        forEachBackend([](Backend& backend) {
            auto database = backend.newDatabase();
            auto storage = openMigrated(*database);
            const auto alice = createOwner(*storage, "sha-a");
            const auto bob = createOwner(*storage, "sha-b");
            auto album = makeAlbum(alice, "Shared", 1000);
            createAlbumOk(*storage, album);
            auto mine = makeAsset(alice, kJuly2021Us);
            auto his = makeAsset(bob, kJuly2021Us + 1000000);
            auto trashed = makeAsset(bob, kJuly2021Us + 2000000);
            trashed.isTrashed = true;
            trashed.trashedAt = utcText(kJuly2021Us);
            trashed.trashedAtUs = kJuly2021Us;
            for (const auto* a : {&mine, &his, &trashed}) createAssetOk(*storage, *a);
            auto added = all(*storage, [&](storage::Repositories& repos) {
                return repos.albums().addAlbumAssets(alice, album.id, {mine.id}, 1, "t");
            });
            REQUIRE(added.ok());

            auto own = sharing(*storage, [&](AlbumSharingRepository& r) {
                return r.addOwnAssets(bob, album.id, {his.id, mine.id, trashed.id, his.id}, 2, "t2");
            });
            REQUIRE(own.ok());
            CHECK(*own == std::vector<AlbumAssetChange>{AlbumAssetChange::Done, AlbumAssetChange::NotFound,
                                                        AlbumAssetChange::NotFound, AlbumAssetChange::Duplicate});
            auto gone = sharing(
                *storage, [&](AlbumSharingRepository& r) { return r.addOwnAssets(bob, newUuid(), {his.id}, 2, "t2"); });
            CHECK(gone.error().code == ErrorCode::NotFound);

            auto page = sharing(
                *storage, [&](AlbumSharingRepository& r) { return r.listAlbumAssets(album.id, std::nullopt, 1); });
            REQUIRE(page->size() == 1);
            CHECK((*page)[0].id == his.id);
            CHECK((*page)[0].ownerId == bob);
            page = sharing(*storage, [&](AlbumSharingRepository& r) {
                return r.listAlbumAssets(album.id, storage::AssetCursor{his.takenAtUs, his.id}, 10);
            });
            REQUIRE(page->size() == 1);
            CHECK((*page)[0].id == mine.id);
            auto view = sharing(*storage, [&](AlbumSharingRepository& r) { return r.findAnyAlbum(album.id); });
            CHECK((*view)->assetCount == 2);

            auto holding = sharing(*storage, [&](AlbumSharingRepository& r) { return r.albumsHoldingAsset(his.id); });
            REQUIRE(holding->size() == 1);
            CHECK((*holding)[0].id == album.id);
            CHECK((*holding)[0].ownerId == alice);

            auto inAlbum = sharing(*storage, [&](AlbumSharingRepository& r) { return r.findAlbumAsset(his.id); });
            REQUIRE(inAlbum->has_value());
            CHECK((*inAlbum)->ownerId == bob);
            CHECK_FALSE(sharing(*storage, [&](AlbumSharingRepository& r) {
                            return r.findAlbumAsset(trashed.id);
                        })->has_value());

            auto removed = sharing(*storage, [&](AlbumSharingRepository& r) {
                return r.removeOwnAssets(bob, album.id, {mine.id, his.id}, "t3");
            });
            CHECK(*removed == std::vector<AlbumAssetChange>{AlbumAssetChange::NotFound, AlbumAssetChange::Done});
            CHECK(sharing(*storage, [&](AlbumSharingRepository& r) { return r.albumsHoldingAsset(his.id); })->empty());
        });
    }

    TEST_CASE("deleting a user removes their memberships, group seats and groups in the same statement") {
        forEachBackend([](Backend& backend) {
            auto database = backend.newDatabase();
            auto storage = openMigrated(*database);
            const auto alice = createOwner(*storage, "shd-a");
            const auto bob = createOwner(*storage, "shd-b");
            auto album = makeAlbum(alice, "A", 1000);
            createAlbumOk(*storage, album);
            auto alices = makeGroup(alice, "Alice's");
            auto bobs = makeGroup(bob, "Bob's");
            CHECK(sharing(*storage, [&](AlbumSharingRepository& r) { return r.createGroup(alices); }).ok());
            CHECK(sharing(*storage, [&](AlbumSharingRepository& r) { return r.createGroup(bobs); }).ok());
            CHECK(sharing(*storage, [&](AlbumSharingRepository& r) {
                      return r.setGroupMembers(alices.id, {bob}, "t");
                  }).ok());
            CHECK(sharing(*storage, [&](AlbumSharingRepository& r) {
                      return r.setGroupMembers(bobs.id, {alice}, "t");
                  }).ok());
            CHECK(sharing(*storage, [&](AlbumSharingRepository& r) {
                      return r.addAlbumMember(album.id, bob, AlbumRole::Viewer, "t");
                  }).ok());

            auto removal =
                all(*storage, [&](storage::Repositories& repos) { return repos.auth().deleteUser(bob, false); });
            REQUIRE_MESSAGE(removal.ok(), (removal.ok() ? "" : removal.error().message));
            CHECK(sharing(*storage, [&](AlbumSharingRepository& r) { return r.listAlbumMembers(album.id); })->empty());
            auto left = sharing(*storage, [&](AlbumSharingRepository& r) { return r.findGroup(alices.id); });
            REQUIRE(left->has_value());
            CHECK((*left)->members.empty());
            CHECK_FALSE(
                sharing(*storage, [&](AlbumSharingRepository& r) { return r.findGroup(bobs.id); })->has_value());
            CHECK(sharing(*storage, [&](AlbumSharingRepository& r) { return r.listGroups(alice); })->size() == 1);
        });
    }
}

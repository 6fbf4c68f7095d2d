// The albums and share-links repositories' contract: ownership scoping, per-id results of bulk membership
// changes, counts and covers that follow the trash, cascades, the albumId / sharedLinkId listing filters.
#include <doctest/doctest.h>

#include "backend_context.hpp"
#include "conformance_support.hpp"
#include "images_support.hpp"

using namespace obscura;
using namespace obscura::conformance;
using storage::AlbumAssetChange;
using storage::AlbumsRepository;
using storage::SharedLinksRepository;

namespace {

storage::AlbumRecord makeAlbum(const std::string& ownerId, const std::string& name, std::int64_t createdAtUs) {
    storage::AlbumRecord a;
    a.id = newUuid();
    a.ownerId = ownerId;
    a.name = name;
    a.description = "about " + name;
    a.createdAt = utcText(createdAtUs);
    a.createdAtUs = createdAtUs;
    a.updatedAt = a.createdAt;
    return a;
}

template <typename Fn>
auto withAlbums(storage::Storage& storage, Fn&& fn) -> decltype(fn(std::declval<AlbumsRepository&>())) {
    using Result = decltype(fn(std::declval<AlbumsRepository&>()));
    std::optional<Result> result;
    Status status = storage.run([&](storage::Repositories& repos) -> Status {
        result.emplace(fn(repos.albums()));
        return {};
    });
    if (!status) return std::move(status).error();
    return std::move(*result);
}

template <typename Fn>
auto withLinks(storage::Storage& storage, Fn&& fn) -> decltype(fn(std::declval<SharedLinksRepository&>())) {
    using Result = decltype(fn(std::declval<SharedLinksRepository&>()));
    std::optional<Result> result;
    Status status = storage.run([&](storage::Repositories& repos) -> Status {
        result.emplace(fn(repos.sharedLinks()));
        return {};
    });
    if (!status) return std::move(status).error();
    return std::move(*result);
}

void createAlbumOk(storage::Storage& s, const storage::AlbumRecord& album) {
    auto created = withAlbums(s, [&](AlbumsRepository& r) { return r.createAlbum(album); });
    REQUIRE_MESSAGE(created.ok(), (created.ok() ? "" : created.error().message));
}

std::vector<AlbumAssetChange> add(storage::Storage& s, const std::string& owner, const std::string& album,
                                  const std::vector<std::string>& ids) {
    auto done = withAlbums(s, [&](AlbumsRepository& r) { return r.addAlbumAssets(owner, album, ids, 5, "t"); });
    REQUIRE_MESSAGE(done.ok(), (done.ok() ? "" : done.error().message));
    return *done;
}

storage::AlbumView find(storage::Storage& s, const std::string& owner, const std::string& id) {
    auto found = withAlbums(s, [&](AlbumsRepository& r) { return r.findAlbum(owner, id); });
    REQUIRE(found.ok());
    REQUIRE(found->has_value());
    return **found;
}

storage::SharedLinkRecord makeLink(const std::string& ownerId) {
    storage::SharedLinkRecord l;
    l.id = newUuid();
    l.ownerId = ownerId;
    l.key = "key-" + newUuid();
    l.keyHash = "hash-" + newUuid();
    l.createdAt = utcText(kJuly2021Us);
    l.createdAtUs = kJuly2021Us;
    return l;
}

}  // namespace

TEST_SUITE("conformance.images.albums") {
    TEST_CASE("albums are scoped to their owner, newest first, and updates change only what is set") {
        forEachBackend([](Backend& backend) {
            auto database = backend.newDatabase();
            auto storage = openMigrated(*database);
            const auto alice = createOwner(*storage, "alb-a");
            const auto bob = createOwner(*storage, "alb-b");
            auto older = makeAlbum(alice, "Older", 1000);
            auto newer = makeAlbum(alice, "Newer", 2000);
            createAlbumOk(*storage, older);
            createAlbumOk(*storage, newer);
            auto listed = withAlbums(*storage, [&](AlbumsRepository& r) { return r.listAlbums(alice); });
            REQUIRE(listed.ok());
            REQUIRE(listed->size() == 2);
            CHECK((*listed)[0].album.id == newer.id);
            CHECK((*listed)[1].album.name == "Older");
            CHECK((*listed)[1].album.description == "about Older");
            CHECK((*listed)[1].assetCount == 0);
            CHECK_FALSE((*listed)[1].coverAssetId.has_value());

            auto bobs = withAlbums(*storage, [&](AlbumsRepository& r) { return r.listAlbums(bob); });
            CHECK(bobs->empty());
            CHECK_FALSE(
                withAlbums(*storage, [&](AlbumsRepository& r) { return r.findAlbum(bob, older.id); })->has_value());

            storage::AlbumUpdate rename;
            rename.name = "Renamed";
            rename.updatedAt = "2024-01-01T00:00:00Z";
            auto foreign =
                withAlbums(*storage, [&](AlbumsRepository& r) { return r.updateAlbum(bob, older.id, rename); });
            CHECK(*foreign == storage::AssetWrite::NotFound);
            auto own =
                withAlbums(*storage, [&](AlbumsRepository& r) { return r.updateAlbum(alice, older.id, rename); });
            CHECK(*own == storage::AssetWrite::Changed);
            auto got = find(*storage, alice, older.id);
            CHECK(got.album.name == "Renamed");
            CHECK(got.album.description == "about Older");
            CHECK(got.album.updatedAt == "2024-01-01T00:00:00Z");

            CHECK_FALSE(*withAlbums(*storage, [&](AlbumsRepository& r) { return r.deleteAlbum(bob, older.id); }));
            CHECK(*withAlbums(*storage, [&](AlbumsRepository& r) { return r.deleteAlbum(alice, older.id); }));
            CHECK_FALSE(*withAlbums(*storage, [&](AlbumsRepository& r) { return r.deleteAlbum(alice, older.id); }));
        });
    }

    TEST_CASE("adding and removing assets answers one result per id; only the owner's live assets join") {
        forEachBackend([](Backend& backend) {
            auto database = backend.newDatabase();
            auto storage = openMigrated(*database);
            const auto alice = createOwner(*storage, "alb-add-a");
            const auto bob = createOwner(*storage, "alb-add-b");
            auto a1 = makeAsset(alice, kJuly2021Us);
            auto a2 = makeAsset(alice, kJuly2021Us + 1000000);
            auto trashed = makeAsset(alice);
            trashed.isTrashed = true;
            trashed.trashedAt = utcText(kJuly2021Us);
            trashed.trashedAtUs = kJuly2021Us;
            auto bobs = makeAsset(bob);
            for (const auto* a : {&a1, &a2, &trashed, &bobs}) createAssetOk(*storage, *a);
            auto album = makeAlbum(alice, "Trip", 1000);
            createAlbumOk(*storage, album);

            auto changes = add(*storage, alice, album.id, {a1.id, a1.id, bobs.id, trashed.id, newUuid(), a2.id});
            CHECK(changes == std::vector<AlbumAssetChange>{AlbumAssetChange::Done, AlbumAssetChange::Duplicate,
                                                           AlbumAssetChange::NotFound, AlbumAssetChange::NotFound,
                                                           AlbumAssetChange::NotFound, AlbumAssetChange::Done});
            CHECK(add(*storage, alice, album.id, {a2.id}) ==
                  std::vector<AlbumAssetChange>{AlbumAssetChange::Duplicate});
            auto view = find(*storage, alice, album.id);
            CHECK(view.assetCount == 2);
            CHECK(view.album.updatedAt == "t");
            REQUIRE(view.coverAssetId.has_value());

            // Bob can neither add to nor read Alice's album.
            auto bobAdds = withAlbums(
                *storage, [&](AlbumsRepository& r) { return r.addAlbumAssets(bob, album.id, {bobs.id}, 5, "t"); });
            CHECK_FALSE(bobAdds.ok());
            CHECK(bobAdds.error().code == ErrorCode::NotFound);
            CHECK(*withAlbums(*storage, [&](AlbumsRepository& r) { return r.albumHasAsset(alice, album.id, a1.id); }));
            CHECK_FALSE(
                *withAlbums(*storage, [&](AlbumsRepository& r) { return r.albumHasAsset(bob, album.id, a1.id); }));

            // The albumId filter lists the album's assets in the usual order.
            auto query = queryFor(alice);
            query.filter.albumId = album.id;
            CHECK(pageIds(*storage, query) == std::vector<std::string>{a2.id, a1.id});

            auto removed = withAlbums(*storage, [&](AlbumsRepository& r) {
                return r.removeAlbumAssets(alice, album.id, {a1.id, a1.id, bobs.id}, "u");
            });
            REQUIRE(removed.ok());
            CHECK(*removed == std::vector<AlbumAssetChange>{AlbumAssetChange::Done, AlbumAssetChange::NotFound,
                                                            AlbumAssetChange::NotFound});
            CHECK(find(*storage, alice, album.id).assetCount == 1);
            CHECK(pageIds(*storage, query) == std::vector<std::string>{a2.id});
        });
    }

    TEST_CASE("the count and cover follow the trash and deletions; the chosen cover wins while it is in the album") {
        forEachBackend([](Backend& backend) {
            auto database = backend.newDatabase();
            auto storage = openMigrated(*database);
            const auto alice = createOwner(*storage, "alb-cover");
            auto first = makeAsset(alice);
            auto second = makeAsset(alice);
            for (const auto* a : {&first, &second}) createAssetOk(*storage, *a);
            auto album = makeAlbum(alice, "Covers", 1000);
            createAlbumOk(*storage, album);
            add(*storage, alice, album.id, {first.id});
            auto later = withAlbums(
                *storage, [&](AlbumsRepository& r) { return r.addAlbumAssets(alice, album.id, {second.id}, 9, "t"); });
            REQUIRE(later.ok());
            CHECK(find(*storage, alice, album.id).coverAssetId == first.id);

            storage::AlbumUpdate cover;
            cover.thumbnailAssetId = std::optional<std::string>(second.id);
            cover.updatedAt = "t";
            REQUIRE(
                withAlbums(*storage, [&](AlbumsRepository& r) { return r.updateAlbum(alice, album.id, cover); }).ok());
            CHECK(find(*storage, alice, album.id).coverAssetId == second.id);
            CHECK(find(*storage, alice, album.id).album.thumbnailAssetId == second.id);

            auto trashed = withImages(*storage, [&](storage::ImagesRepository& r) {
                return r.trashAsset(alice, first.id, utcText(kJuly2021Us), kJuly2021Us);
            });
            REQUIRE(trashed.ok());
            CHECK(find(*storage, alice, album.id).assetCount == 1);

            auto deleted = withImages(
                *storage, [&](storage::ImagesRepository& r) { return r.deleteAsset(alice, second.id, false); });
            REQUIRE(deleted.ok());
            auto view = find(*storage, alice, album.id);
            CHECK(view.assetCount == 0);
            CHECK_FALSE(view.coverAssetId.has_value());  // the chosen cover left; the only other one is trashed
        });
    }
}

TEST_SUITE("conformance.images.shared_links") {
    TEST_CASE("links are found by key hash from anywhere, listed and deleted only by their owner") {
        forEachBackend([](Backend& backend) {
            auto database = backend.newDatabase();
            auto storage = openMigrated(*database);
            const auto alice = createOwner(*storage, "link-a");
            const auto bob = createOwner(*storage, "link-b");
            auto shown = makeAsset(alice);
            auto hidden = makeAsset(alice);
            for (const auto* a : {&shown, &hidden}) createAssetOk(*storage, *a);
            auto link = makeLink(alice);
            link.assetIds = {shown.id, shown.id};
            link.expiresAt = "2030-01-01T00:00:00+02:00";
            link.expiresAtUs = 1893448800LL * 1000000;
            link.passwordHash = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA";
            link.allowDownload = false;
            auto created = withLinks(*storage, [&](SharedLinksRepository& r) { return r.createSharedLink(link); });
            REQUIRE_MESSAGE(created.ok(), (created.ok() ? "" : created.error().message));

            auto again = makeLink(alice);
            again.keyHash = link.keyHash;
            auto clash = withLinks(*storage, [&](SharedLinksRepository& r) { return r.createSharedLink(again); });
            REQUIRE_FALSE(clash.ok());
            CHECK(clash.error().code == ErrorCode::Conflict);

            auto found =
                withLinks(*storage, [&](SharedLinksRepository& r) { return r.findSharedLinkByKeyHash(link.keyHash); });
            REQUIRE(found.ok());
            REQUIRE(found->has_value());
            const auto& got = **found;
            CHECK(got.ownerId == alice);
            CHECK(got.key == link.key);
            CHECK(got.assetIds == std::vector<std::string>{shown.id});
            CHECK(got.expiresAt == link.expiresAt);
            CHECK(got.expiresAtUs == link.expiresAtUs);
            CHECK(got.passwordHash == link.passwordHash);
            CHECK_FALSE(got.allowDownload);
            CHECK_FALSE(got.albumId.has_value());

            CHECK(*withLinks(*storage,
                             [&](SharedLinksRepository& r) { return r.sharedLinkHasAsset(link.id, shown.id); }));
            CHECK_FALSE(*withLinks(*storage,
                                   [&](SharedLinksRepository& r) { return r.sharedLinkHasAsset(link.id, hidden.id); }));
            auto query = queryFor(alice);
            query.filter.sharedLinkId = link.id;
            CHECK(pageIds(*storage, query) == std::vector<std::string>{shown.id});

            CHECK(withLinks(*storage, [&](SharedLinksRepository& r) { return r.listSharedLinks(bob); })->empty());
            CHECK(withLinks(*storage, [&](SharedLinksRepository& r) { return r.listSharedLinks(alice); })->size() == 1);
            CHECK_FALSE(
                *withLinks(*storage, [&](SharedLinksRepository& r) { return r.deleteSharedLink(bob, link.id); }));
            CHECK(*withLinks(*storage, [&](SharedLinksRepository& r) { return r.deleteSharedLink(alice, link.id); }));
            CHECK_FALSE(withLinks(*storage, [&](SharedLinksRepository& r) {
                            return r.findSharedLinkByKeyHash(link.keyHash);
                        })->has_value());
        });
    }

    TEST_CASE("an album link shows the album's assets and goes with the album") {
        forEachBackend([](Backend& backend) {
            auto database = backend.newDatabase();
            auto storage = openMigrated(*database);
            const auto alice = createOwner(*storage, "link-album");
            auto inside = makeAsset(alice);
            auto outside = makeAsset(alice);
            for (const auto* a : {&inside, &outside}) createAssetOk(*storage, *a);
            auto album = makeAlbum(alice, "Shared", 1000);
            createAlbumOk(*storage, album);
            add(*storage, alice, album.id, {inside.id});
            auto link = makeLink(alice);
            link.albumId = album.id;
            REQUIRE(withLinks(*storage, [&](SharedLinksRepository& r) { return r.createSharedLink(link); }).ok());
            CHECK(*withLinks(*storage,
                             [&](SharedLinksRepository& r) { return r.sharedLinkHasAsset(link.id, inside.id); }));
            CHECK_FALSE(*withLinks(
                *storage, [&](SharedLinksRepository& r) { return r.sharedLinkHasAsset(link.id, outside.id); }));
            auto found =
                withLinks(*storage, [&](SharedLinksRepository& r) { return r.findSharedLinkByKeyHash(link.keyHash); });
            REQUIRE(found->has_value());
            CHECK((*found)->albumId == album.id);
            CHECK((*found)->passwordHash == std::nullopt);
            CHECK((*found)->expiresAtUs == std::nullopt);

            REQUIRE(*withAlbums(*storage, [&](AlbumsRepository& r) { return r.deleteAlbum(alice, album.id); }));
            CHECK_FALSE(withLinks(*storage, [&](SharedLinksRepository& r) {
                            return r.findSharedLinkByKeyHash(link.keyHash);
                        })->has_value());
        });
    }
}

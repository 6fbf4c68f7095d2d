// Whole tables as plain rows (table_rows.hpp): what `obscura migrate-storage` moves between plugins. A populated
// library copied table by table into an empty database reads back row for row, and what the importing plugin
// derives from the rows — tags, search, usage totals — works as if the library had been built there.
#include <doctest/doctest.h>

#include <algorithm>

#include "backend_context.hpp"
#include "conformance_support.hpp"
#include "images_support.hpp"

using namespace obscura;
using namespace obscura::conformance;
using storage::Row;

namespace {

template <typename Fn>
auto withRows(storage::Storage& storage, Fn&& fn) -> decltype(fn(std::declval<storage::TableRowsRepository&>())) {
    using Result = decltype(fn(std::declval<storage::TableRowsRepository&>()));
    std::optional<Result> result;
    Status status = storage.run([&](storage::Repositories& repos) -> Status {
        result.emplace(fn(repos.tableRows()));
        return {};
    });
    if (!status) return std::move(status).error();
    return std::move(*result);
}

// Every row of a table, read in pages of `page` following the key cursor.
std::vector<Row> allRows(storage::Storage& storage, const storage::TableShape& table, int page) {
    std::vector<Row> rows;
    Row after;
    for (int guard = 0; guard < 100000; ++guard) {
        auto chunk = withRows(storage, [&](auto& t) { return t.readRows(table.name, after, page); });
        REQUIRE_MESSAGE(chunk.ok(), chunk.error().message);
        rows.insert(rows.end(), chunk->begin(), chunk->end());
        if (static_cast<int>(chunk->size()) < page) return rows;
        after.assign(chunk->back().begin(), chunk->back().begin() + table.keyColumns);
    }
    FAIL("reading " << table.name << " did not end");
    return rows;
}

struct Library {
    std::string alice, bob;
    storage::AssetRecord beach, trashed, video;
    std::string albumId, linkKeyHash;
    std::string childAlbumId, groupId;  // a nested album and a group (sharing)
};

Library populate(storage::Storage& storage) {
    Library lib;
    auto alice = makeUser("copy_alice");
    alice.isAdmin = true;
    alice.bio = "Zoë 📷 — café";
    alice.quotaBytes = 5'000'000'000'000;
    auto bob = makeUser("copy_bob");
    bob.disabled = true;
    REQUIRE(createUser(storage, alice).ok());
    REQUIRE(createUser(storage, bob).ok());
    lib.alice = alice.id;
    lib.bob = bob.id;
    auto status = storage.transaction([&](storage::Repositories& repos) -> Status {
        auto& auth = repos.auth();
        OBSCURA_TRY_STATUS(auth.createRefreshToken({newUuid(), alice.id, newUuid(), "rt" + newUuid(),
                                                    "2024-05-01T12:00:00Z", 4'000'000'000'000'000, 17, false}));
        OBSCURA_TRY_STATUS(auth.createRefreshToken(
            {newUuid(), bob.id, newUuid(), "rt" + newUuid(), "2024-05-01T12:00:00+02:00", 5, std::nullopt, true}));
        OBSCURA_TRY_STATUS(
            auth.createApiKey({newUuid(), alice.id, "laptop 💻", "ak" + newUuid(), "2024-05-01T12:00:00Z"}));
        OBSCURA_TRY(failures, auth.addLoginFailure("ip:192.0.2.1", 1000, 60'000'000));
        // Alice has two-factor sign-in on, one of her two recovery codes spent.
        OBSCURA_TRY(pending, repos.mfa().setPendingMfa({alice.id, "sealed-secret", false, 0, 1000}));
        OBSCURA_TRY(enabled, repos.mfa().enableMfa(alice.id, 56'000'000, {"rc-one", "rc-two"}));
        OBSCURA_TRY(spent, repos.mfa().useRecoveryCode(alice.id, "rc-two", 2000));
        (void)pending, (void)enabled, (void)spent;
        (void)failures;
        storage::NewJob job;
        job.id = newUuid();
        job.kind = "test.copy";
        job.payload = R"({"n":1})";
        job.createdAt = "2024-05-01T12:00:00Z";
        job.dedupeKey = "only-once";
        OBSCURA_TRY(queued, repos.jobs().enqueue(job));
        (void)queued;
        job.id = newUuid();
        job.dedupeKey.clear();
        job.payload.clear();
        OBSCURA_TRY(plain, repos.jobs().enqueue(job));
        (void)plain;
        return {};
    });
    REQUIRE_MESSAGE(status.ok(), status.error().message);

    lib.beach = makeAsset(alice.id);
    lib.beach.title = "Beach at Café Müller";
    lib.beach.tags = {"Holiday", "beach \"quoted\""};
    lib.beach.exif = R"({"make":"FUJIFILM","model":"X-T4","iso":200})";
    lib.beach.durationSeconds = std::nullopt;
    lib.beach.thumbnail = {"ready", 3};
    lib.beach.derivedBytes = 123;
    lib.trashed = makeAsset(alice.id, kJuly2021Us + 1);
    lib.trashed.isTrashed = true;
    lib.trashed.trashedAt = "2024-01-01T00:00:00+01:00";
    lib.trashed.trashedAtUs = 1704063600LL * 1000000;
    lib.video = makeAsset(alice.id, kJuly2021Us + 2);
    lib.video.type = "video";
    lib.video.mimeType = "video/mp4";
    lib.video.durationSeconds = 12.5;
    lib.video.width = std::nullopt;
    for (const auto* a : {&lib.beach, &lib.trashed, &lib.video}) createAssetOk(storage, *a);
    auto bandwidth =
        withImages(storage, [&](storage::ImagesRepository& r) { return r.addBandwidth(alice.id, "2024-05", 777); });
    REQUIRE(bandwidth.ok());
    // No repository writes derivatives yet (the media module will): the rows API itself puts one in.
    auto derivative = withRows(storage, [&](auto& t) {
        return t.insertRows("derivatives", {Row{lib.beach.id, std::string("thumbnail"), std::string("ready"),
                                                std::string("derived/x/thumbnail.webp"), std::int64_t{3},
                                                std::monostate{}, std::string("2024-05-01T12:00:00Z")}});
    });
    REQUIRE_MESSAGE(derivative.ok(), derivative.error().message);
    // Near-duplicates: two perceptual hashes (one with the top bit set, one placed) and three dismissed pairs, so that
    // pages of 2 walk the three-column key.
    auto dupes = storage.transaction([&](storage::Repositories& repos) -> Status {
        auto& d = repos.dupes();
        OBSCURA_TRY_STATUS(d.putPerceptualHash({lib.beach.id, alice.id, 0xF0E1D2C3B4A59687ULL, 48.85, 2.29}));
        OBSCURA_TRY_STATUS(d.putPerceptualHash({lib.trashed.id, alice.id, 0x0123456789ABCDEFULL, {}, {}}));
        return d.dismissDuplicatePairs(
            alice.id, {{lib.beach.id, lib.trashed.id}, {lib.beach.id, lib.video.id}, {lib.trashed.id, lib.video.id}});
    });
    REQUIRE_MESSAGE(dupes.ok(), dupes.error().message);

    // An album with a chosen cover, a password-protected link to it and an asset-set link with an expiry.
    storage::AlbumRecord album;
    album.id = lib.albumId = newUuid();
    album.ownerId = alice.id;
    album.name = "Été 🌞";
    album.description = "two lines\nof text";
    album.thumbnailAssetId = lib.video.id;
    album.createdAt = album.updatedAt = "2024-05-01T12:00:00+02:00";
    album.createdAtUs = 1714557600LL * 1000000;
    storage::SharedLinkRecord albumLink;
    albumLink.id = newUuid();
    albumLink.ownerId = alice.id;
    albumLink.key = "key" + newUuid();
    albumLink.keyHash = lib.linkKeyHash = "hash" + newUuid();
    albumLink.albumId = album.id;
    albumLink.passwordHash = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA";
    albumLink.createdAt = "2024-05-01T12:00:00Z";
    albumLink.createdAtUs = 1714564800LL * 1000000;
    auto assetLink = albumLink;
    assetLink.id = newUuid();
    assetLink.key = "key" + newUuid();
    assetLink.keyHash = "hash" + newUuid();
    assetLink.albumId.reset();
    assetLink.assetIds = {lib.beach.id, lib.video.id};
    assetLink.passwordHash.reset();
    assetLink.allowDownload = false;
    assetLink.expiresAt = "2030-01-01T00:00:00Z";
    assetLink.expiresAtUs = 1893456000LL * 1000000;
    auto shared = storage.transaction([&](storage::Repositories& repos) -> Status {
        OBSCURA_TRY_STATUS(repos.albums().createAlbum(album));
        OBSCURA_TRY_STATUS(repos.albums().addAlbumAssets(alice.id, album.id, {lib.beach.id, lib.video.id}, 7, "t"));
        OBSCURA_TRY_STATUS(repos.sharedLinks().createSharedLink(albumLink));
        OBSCURA_TRY_STATUS(repos.sharedLinks().createSharedLink(assetLink));
        // Partners both ways, one in the receiver's timeline.
        OBSCURA_TRY_STATUS(repos.partners().createPartner({alice.id, bob.id, true, "2024-05-01T12:00:00Z", 1}));
        return repos.partners().createPartner({bob.id, alice.id, false, "2024-05-02T12:00:00+02:00", 2});
    });
    REQUIRE_MESSAGE(shared.ok(), shared.error().message);

    // Sharing: a child album (created first by id order or not: parent_id is no foreign key) that forbids
    // downloads, Bob as an editor of the parent, and a group of Alice's holding Bob, shared with the child.
    storage::AlbumRecord child = album;
    child.id = lib.childAlbumId = newUuid();
    child.name = "Child";
    child.thumbnailAssetId.reset();
    child.parentId = album.id;
    child.allowDownload = false;
    const storage::GroupRecord group{
        lib.groupId = newUuid(), alice.id, "Famille", "2024-05-01T12:00:00Z", 1714564800LL * 1000000,
        "2024-05-02T12:00:00Z"};
    auto sharing = storage.transaction([&](storage::Repositories& repos) -> Status {
        auto& r = repos.albumSharing();
        OBSCURA_TRY_STATUS(repos.albums().createAlbum(child));
        OBSCURA_TRY_STATUS(r.addAlbumMember(album.id, bob.id, storage::AlbumRole::Editor, "2024-05-03T00:00:00Z"));
        OBSCURA_TRY_STATUS(r.createGroup(group));
        OBSCURA_TRY_STATUS(r.setGroupMembers(group.id, {bob.id}, "2024-05-04T00:00:00Z"));
        return r.setAlbumGroup(child.id, group.id, storage::AlbumRole::Viewer);
    });
    REQUIRE_MESSAGE(sharing.ok(), sharing.error().message);
    return lib;
}

}  // namespace

TEST_SUITE("conformance.table_rows") {
    TEST_CASE("a library copied table by table into an empty database reads back row for row") {
        forEachBackend([](Backend& backend) {
            auto sourceDb = backend.newDatabase();
            auto targetDb = backend.newDatabase();
            if (!sourceDb->fresh() || !targetDb->fresh()) return;  // "empty" and "row for row" need own databases
            auto source = openMigrated(*sourceDb);
            auto target = openMigrated(*targetDb);
            const auto lib = populate(*source);

            for (const auto& table : storage::copyableTables()) {
                CAPTURE(table.name);
                // Pages of 2: the cursor is exercised on every table, two-column keys included.
                const auto rows = allRows(*source, table, 2);
                auto copied = target->transaction(
                    [&](storage::Repositories& repos) { return repos.tableRows().insertRows(table.name, rows); });
                REQUIRE_MESSAGE(copied.ok(), copied.error().message);
                CHECK(allRows(*target, table, 1000) == rows);
                auto count = withRows(*target, [&](auto& t) { return t.countRows(table.name); });
                REQUIRE(count.ok());
                CHECK(*count == static_cast<std::int64_t>(rows.size()));
            }

            // What the target derived from the rows matches what the source built.
            using storage::ImagesRepository;
            auto usageOf = [&](storage::Storage& s) {
                auto u = withImages(s, [&](ImagesRepository& r) { return r.usage(lib.alice, "2024-05"); });
                REQUIRE(u.ok());
                return *u;
            };
            const auto before = usageOf(*source);
            const auto after = usageOf(*target);
            CHECK(after.assets == 3);
            CHECK(after.assets == before.assets);
            CHECK(after.videos == before.videos);
            CHECK(after.bytesOriginals == before.bytesOriginals);
            CHECK(after.bytesDerived == before.bytesDerived);
            CHECK(after.bandwidthBytesThisMonth == 777);
            auto counts = withImages(*target, [&](ImagesRepository& r) { return r.countAssets(lib.alice); });
            REQUIRE(counts.ok());
            CHECK(counts->images == 1);  // the trashed one is not live
            CHECK(counts->videos == 1);
            auto tags = withImages(*target, [&](ImagesRepository& r) { return r.tags(lib.alice); });
            REQUIRE(tags.ok());
            CHECK(tags->size() == 2);
            auto search = queryFor(lib.alice);
            search.filter.q = "mull fuji";
            CHECK(pageIds(*target, search) == std::vector<std::string>{lib.beach.id});
            auto byTag = queryFor(lib.alice);
            byTag.filter.tag = "HOLIDAY";
            CHECK(pageIds(*target, byTag) == std::vector<std::string>{lib.beach.id});
            auto asset = withImages(*target, [&](ImagesRepository& r) { return r.findAsset(lib.alice, lib.video.id); });
            REQUIRE(asset.ok());
            REQUIRE(asset->has_value());
            CHECK((*asset)->durationSeconds == std::optional<double>(12.5));
            // Albums and links work on the target as they did on the source.
            auto album = target->run([&](storage::Repositories& repos) -> Status {
                OBSCURA_TRY(view, repos.albums().findAlbum(lib.alice, lib.albumId));
                if (!view || view->assetCount != 2 || view->coverAssetId != lib.video.id)
                    return internalError("the copied album is not what it was");
                OBSCURA_TRY(link, repos.sharedLinks().findSharedLinkByKeyHash(lib.linkKeyHash));
                if (!link || link->albumId != lib.albumId || !link->passwordHash)
                    return internalError("the copied album link is not what it was");
                OBSCURA_TRY(shows, repos.sharedLinks().sharedLinkHasAsset(link->id, lib.beach.id));
                if (!shows) return internalError("the copied album link does not show the album's asset");
                return {};
            });
            CHECK_MESSAGE(album.ok(), (album.ok() ? "" : album.error().message));
            // Partners read back in both directions with the receiver's switch.
            auto partners = target->run([&](storage::Repositories& repos) -> Status {
                OBSCURA_TRY(byAlice, repos.partners().findPartner(lib.alice, lib.bob));
                OBSCURA_TRY(byBob, repos.partners().findPartner(lib.bob, lib.alice));
                if (!byAlice || !byAlice->inTimeline || !byBob || byBob->inTimeline ||
                    byBob->createdAt != "2024-05-02T12:00:00+02:00")
                    return internalError("the copied partners are not what they were");
                return {};
            });
            CHECK_MESSAGE(partners.ok(), (partners.ok() ? "" : partners.error().message));
            // Sharing holds on the target: the tree, the download switch, the members, the group and its share.
            auto sharing = target->run([&](storage::Repositories& repos) -> Status {
                auto& r = repos.albumSharing();
                OBSCURA_TRY(child, r.findAnyAlbum(lib.childAlbumId));
                if (!child || child->album.parentId != lib.albumId || child->album.allowDownload)
                    return internalError("the copied child album is not what it was");
                OBSCURA_TRY(role, r.memberRole(lib.bob, lib.childAlbumId));
                if (role != storage::AlbumRole::Editor) return internalError("the copied roles are not what they were");
                OBSCURA_TRY(groups, r.listAlbumGroups(lib.childAlbumId));
                if (groups.size() != 1 || groups[0].group.id != lib.groupId ||
                    groups[0].role != storage::AlbumRole::Viewer)
                    return internalError("the copied album group is not what it was");
                OBSCURA_TRY(group, r.findGroup(lib.groupId));
                if (!group || group->members.size() != 1 || group->members[0].id != lib.bob)
                    return internalError("the copied group is not what it was");
                return {};
            });
            CHECK_MESSAGE(sharing.ok(), (sharing.ok() ? "" : sharing.error().message));
            // The near-duplicate state came along: the hashes and the owner's dismissed pairs.
            auto dupes = target->run([&](storage::Repositories& repos) -> Status {
                OBSCURA_TRY(hash, repos.dupes().findPerceptualHash(lib.beach.id));
                if (!hash || hash->hash != 0xF0E1D2C3B4A59687ULL || hash->latitude != std::optional<double>(48.85))
                    return internalError("the copied perceptual hash is not what it was");
                OBSCURA_TRY(pairs, repos.dupes().listDismissedPairs(lib.alice));
                if (pairs.size() != 3) return internalError("the copied dismissed pairs are not what they were");
                return {};
            });
            CHECK_MESSAGE(dupes.ok(), (dupes.ok() ? "" : dupes.error().message));
            // The dedupe key still holds on the target.
            auto job = target->run([&](storage::Repositories& repos) -> Status {
                storage::NewJob again;
                again.id = newUuid();
                again.kind = "test.copy";
                again.dedupeKey = "only-once";
                again.createdAt = "2024-06-01T00:00:00Z";
                OBSCURA_TRY(enqueued, repos.jobs().enqueue(again));
                if (enqueued.created) return internalError("the copied dedupe key did not hold");
                return {};
            });
            CHECK_MESSAGE(job.ok(), (job.ok() ? "" : job.error().message));
        });
    }

    TEST_CASE("rows of the wrong shape, unknown tables and taken keys are refused") {
        forEachBackend([](Backend& backend) {
            auto database = backend.newDatabase();
            auto storage = openMigrated(*database);
            auto unknown = withRows(*storage, [](auto& t) { return t.readRows("sqlite_master", {}, 10); });
            REQUIRE_FALSE(unknown.ok());
            CHECK(unknown.error().code == ErrorCode::Invalid);
            auto shortRow = withRows(*storage, [](auto& t) {
                return t.insertRows("login_failures", {Row{std::string("k"), std::int64_t{1}}});
            });
            REQUIRE_FALSE(shortRow.ok());
            CHECK(shortRow.error().code == ErrorCode::Invalid);
            auto wrongType = withRows(*storage, [](auto& t) {
                return t.insertRows("login_failures", {Row{std::string("k"), std::string("1"), std::int64_t{2}}});
            });
            REQUIRE_FALSE(wrongType.ok());
            CHECK(wrongType.error().code == ErrorCode::Invalid);
            const Row row{std::string("ip:" + newUuid()), std::int64_t{1}, std::int64_t{2}};
            REQUIRE(withRows(*storage, [&](auto& t) { return t.insertRows("login_failures", {row}); }).ok());
            auto again = withRows(*storage, [&](auto& t) { return t.insertRows("login_failures", {row}); });
            REQUIRE_FALSE(again.ok());
            CHECK(again.error().code == ErrorCode::Conflict);
        });
    }
}

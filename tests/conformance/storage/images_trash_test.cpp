// The images repository's trash, purge, deletion, usage and bandwidth contract.
#include <doctest/doctest.h>

#include <algorithm>
#include <set>

#include "backend_context.hpp"
#include "conformance_support.hpp"
#include "images_support.hpp"

using namespace obscura;
using namespace obscura::conformance;
using storage::AssetRecord;
using storage::AssetWrite;
using storage::ImagesRepository;

namespace {

AssetWrite trashAt(storage::Storage& s, const AssetRecord& a, std::int64_t atUs) {
    auto done = withImages(s, [&](ImagesRepository& r) { return r.trashAsset(a.ownerId, a.id, utcText(atUs), atUs); });
    REQUIRE_MESSAGE(done.ok(), done.error().message);
    return *done;
}

std::optional<AssetRecord> find(storage::Storage& s, const std::string& owner, const std::string& id) {
    auto found = withImages(s, [&](ImagesRepository& r) { return r.findAsset(owner, id); });
    REQUIRE(found.ok());
    return *found;
}

}  // namespace

TEST_SUITE("conformance.images.trash") {
    TEST_CASE("trash and restore round trip; trashing twice keeps the first time") {
        forEachBackend([](Backend& backend) {
            auto database = backend.newDatabase();
            auto storage = openMigrated(*database);
            const auto owner = createOwner(*storage, "trash");
            auto a = makeAsset(owner);
            auto b = makeAsset(owner);
            auto c = makeAsset(owner);
            for (const auto* x : {&a, &b, &c}) createAssetOk(*storage, *x);

            CHECK(trashAt(*storage, a, 1000000) == AssetWrite::Changed);
            CHECK(trashAt(*storage, a, 9000000) == AssetWrite::Unchanged);
            auto got = find(*storage, owner, a.id);
            REQUIRE(got.has_value());
            CHECK(got->isTrashed);
            CHECK(got->trashedAtUs == 1000000);
            CHECK(got->trashedAt == utcText(1000000));
            CHECK(trashAt(*storage, b, 2000000) == AssetWrite::Changed);
            CHECK(trashAt(*storage, c, 3000000) == AssetWrite::Changed);

            auto trashQuery = queryFor(owner);
            trashQuery.filter.trashed = true;
            trashQuery.filter.archived.reset();
            CHECK(pageIds(*storage, trashQuery).size() == 3);
            CHECK(pageIds(*storage, queryFor(owner)).empty());

            // Unknown and foreign ids are skipped.
            const std::vector<std::string> ids{a.id, newUuid()};
            auto restored = withImages(
                *storage, [&](ImagesRepository& r) { return r.restoreAssets(owner, ids, "2024-06-01T00:00:00Z"); });
            REQUIRE_MESSAGE(restored.ok(), restored.error().message);
            CHECK(*restored == std::vector<std::string>{a.id});
            got = find(*storage, owner, a.id);
            CHECK_FALSE(got->isTrashed);
            CHECK_FALSE(got->trashedAt.has_value());
            CHECK_FALSE(got->trashedAtUs.has_value());

            const auto stranger = createOwner(*storage, "trash_other");
            auto none = withImages(
                *storage, [&](ImagesRepository& r) { return r.restoreAssets(stranger, {}, "2024-06-01T00:00:00Z"); });
            REQUIRE(none.ok());
            CHECK(none->empty());

            auto all = withImages(
                *storage, [&](ImagesRepository& r) { return r.restoreAssets(owner, {}, "2024-06-01T00:00:00Z"); });
            REQUIRE(all.ok());
            CHECK(std::set<std::string>(all->begin(), all->end()) == std::set<std::string>{b.id, c.id});
            CHECK(pageIds(*storage, trashQuery).empty());
            CHECK(pageIds(*storage, queryFor(owner)).size() == 3);
        });
    }

    TEST_CASE("the purge sees assets trashed before a time, oldest first, across owners") {
        forEachBackend([](Backend& backend) {
            auto database = backend.newDatabase();
            auto storage = openMigrated(*database);
            const auto alice = createOwner(*storage, "purge_a");
            const auto bob = createOwner(*storage, "purge_b");
            // Times far in the past so that other cases' trash (shared databases) sorts after ours.
            auto oldA = makeAsset(alice);
            auto oldB = makeAsset(bob);
            auto recent = makeAsset(alice);
            auto live = makeAsset(alice);
            for (const auto* x : {&oldA, &oldB, &recent, &live}) createAssetOk(*storage, *x);
            trashAt(*storage, oldB, 10);
            trashAt(*storage, oldA, 20);
            trashAt(*storage, recent, 500);

            auto due = withImages(*storage, [&](ImagesRepository& r) { return r.listTrashedBefore(100, 10); });
            REQUIRE_MESSAGE(due.ok(), due.error().message);
            std::vector<std::string> ids;
            for (const auto& a : *due)
                if (a.id == oldA.id || a.id == oldB.id || a.id == recent.id || a.id == live.id) ids.push_back(a.id);
            CHECK(ids == std::vector<std::string>{oldB.id, oldA.id});
            auto one = withImages(*storage, [&](ImagesRepository& r) { return r.listTrashedBefore(100, 1); });
            REQUIRE(one.ok());
            CHECK(one->size() == 1);

            // A purge racing a restore: onlyIfTrashed refuses to delete the restored asset.
            auto restored = withImages(*storage, [&](ImagesRepository& r) {
                return r.restoreAssets(alice, {oldA.id}, "2024-06-01T00:00:00Z");
            });
            REQUIRE(restored.ok());
            auto kept = withImages(*storage, [&](ImagesRepository& r) { return r.deleteAsset(alice, oldA.id, true); });
            REQUIRE(kept.ok());
            CHECK_FALSE(*kept);
            CHECK(find(*storage, alice, oldA.id).has_value());
            auto purged = withImages(*storage, [&](ImagesRepository& r) { return r.deleteAsset(bob, oldB.id, true); });
            REQUIRE(purged.ok());
            CHECK(*purged);
            CHECK_FALSE(find(*storage, bob, oldB.id).has_value());
            auto liveGone =
                withImages(*storage, [&](ImagesRepository& r) { return r.deleteAsset(alice, live.id, false); });
            REQUIRE(liveGone.ok());
            CHECK(*liveGone);
            auto again =
                withImages(*storage, [&](ImagesRepository& r) { return r.deleteAsset(alice, live.id, false); });
            REQUIRE(again.ok());
            CHECK_FALSE(*again);
        });
    }

    TEST_CASE("usage counts every stored asset and its bytes, follows deletes, and starts at zero") {
        forEachBackend([](Backend& backend) {
            auto database = backend.newDatabase();
            auto storage = openMigrated(*database);
            const auto owner = createOwner(*storage, "usage");
            const auto usage = [&] {
                auto u = withImages(*storage, [&](ImagesRepository& r) { return r.usage(owner, "2024-05"); });
                REQUIRE_MESSAGE(u.ok(), u.error().message);
                return *u;
            };
            CHECK(usage().assets == 0);
            CHECK(usage().bytesOriginals == 0);
            auto image = makeAsset(owner);
            image.sizeBytes = 1000;
            auto video = makeAsset(owner);
            video.type = "video";
            video.mimeType = "video/mp4";
            video.sizeBytes = 5000;
            video.derivedBytes = 300;
            auto trashed = makeAsset(owner);
            trashed.sizeBytes = 7;
            for (const auto* x : {&image, &video, &trashed}) createAssetOk(*storage, *x);
            trashAt(*storage, trashed, 1);
            auto u = usage();
            CHECK(u.assets == 3);  // the trash still takes disk space
            CHECK(u.images == 2);
            CHECK(u.videos == 1);
            CHECK(u.bytesOriginals == 6007);
            CHECK(u.bytesDerived == 300);

            auto deleted =
                withImages(*storage, [&](ImagesRepository& r) { return r.deleteAsset(owner, video.id, false); });
            REQUIRE(deleted.ok());
            u = usage();
            CHECK(u.assets == 2);
            CHECK(u.videos == 0);
            CHECK(u.bytesOriginals == 1007);
            CHECK(u.bytesDerived == 0);

            auto counts = withImages(*storage, [&](ImagesRepository& r) { return r.countAssets(owner); });
            REQUIRE(counts.ok());
            CHECK(counts->images == 1);  // statistics count live assets only
            CHECK(counts->videos == 0);
            auto restored = withImages(*storage, [&](ImagesRepository& r) {
                return r.restoreAssets(owner, {trashed.id}, "2024-06-01T00:00:00Z");
            });
            REQUIRE(restored.ok());
            counts = withImages(*storage, [&](ImagesRepository& r) { return r.countAssets(owner); });
            REQUIRE(counts.ok());
            CHECK(counts->images == 2);
            CHECK(usage().assets == 2);  // restoring moves nothing in the totals
            CHECK(usage().bytesOriginals == 1007);
        });
    }

    TEST_CASE("bandwidth adds up per owner and month") {
        forEachBackend([](Backend& backend) {
            auto database = backend.newDatabase();
            auto storage = openMigrated(*database);
            const auto alice = createOwner(*storage, "bw_a");
            const auto bob = createOwner(*storage, "bw_b");
            const auto add = [&](const std::string& owner, const std::string& month, std::int64_t bytes) {
                return withImages(*storage, [&](ImagesRepository& r) { return r.addBandwidth(owner, month, bytes); });
            };
            REQUIRE(add(alice, "2024-05", 100).ok());
            REQUIRE(add(alice, "2024-05", 23).ok());
            REQUIRE(add(alice, "2024-06", 1).ok());
            REQUIRE(add(bob, "2024-05", 9).ok());
            const auto bandwidth = [&](const std::string& owner, const std::string& month) {
                auto u = withImages(*storage, [&](ImagesRepository& r) { return r.usage(owner, month); });
                REQUIRE(u.ok());
                return u->bandwidthBytesThisMonth;
            };
            CHECK(bandwidth(alice, "2024-05") == 123);
            CHECK(bandwidth(alice, "2024-06") == 1);
            CHECK(bandwidth(alice, "2024-07") == 0);
            CHECK(bandwidth(bob, "2024-05") == 9);
            auto negative = add(alice, "2024-05", -1);
            REQUIRE_FALSE(negative.ok());
            CHECK(negative.error().code == ErrorCode::Invalid);
            auto badMonth = add(alice, "May 2024", 1);
            REQUIRE_FALSE(badMonth.ok());
            CHECK(badMonth.error().code == ErrorCode::Invalid);
        });
    }

    TEST_CASE("deleting the user removes its assets, tags, usage and search entries") {
        forEachBackend([](Backend& backend) {
            auto database = backend.newDatabase();
            auto storage = openMigrated(*database);
            const auto owner = createOwner(*storage, "cascade");
            auto a = makeAsset(owner);
            a.title = "Cascadeword";
            a.tags = {"cascadetag"};
            createAssetOk(*storage, a);
            REQUIRE(
                withImages(*storage, [&](ImagesRepository& r) { return r.addBandwidth(owner, "2024-05", 5); }).ok());
            auto deleted = storage->run([&](storage::Repositories& repos) -> Status {
                OBSCURA_TRY(result, repos.auth().deleteUser(owner, false));
                return result == storage::UserWrite::Done ? Status{} : internalError("user not deleted");
            });
            REQUIRE_MESSAGE(deleted.ok(), deleted.error().message);
            CHECK_FALSE(find(*storage, owner, a.id).has_value());
            auto byPath =
                withImages(*storage, [&](ImagesRepository& r) { return r.findAssetByStoragePath(a.storagePath); });
            REQUIRE(byPath.ok());
            CHECK_FALSE(byPath->has_value());
            auto u = withImages(*storage, [&](ImagesRepository& r) { return r.usage(owner, "2024-05"); });
            REQUIRE(u.ok());
            CHECK(u->assets == 0);
            CHECK(u->bandwidthBytesThisMonth == 0);

            // The same bytes may come back for a new user; the old search entry is gone with its row.
            const auto next = createOwner(*storage, "cascade_next");
            auto b = makeAsset(next);
            b.checksum = a.checksum;
            b.title = "Other";
            createAssetOk(*storage, b);
            auto q = queryFor(next);
            q.filter.q = "cascadeword";
            CHECK(pageIds(*storage, q).empty());
        });
    }
}

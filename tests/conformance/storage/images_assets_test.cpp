// The images repository's single-asset contract: uniqueness, owner scoping, updates, derivative state.
#include <doctest/doctest.h>

#include <atomic>
#include <thread>

#include "backend_context.hpp"
#include "conformance_support.hpp"
#include "images_support.hpp"

using namespace obscura;
using namespace obscura::conformance;
using storage::AssetRecord;
using storage::AssetWrite;
using storage::ImagesRepository;

namespace {

std::optional<AssetRecord> find(storage::Storage& s, const std::string& owner, const std::string& id) {
    auto found = withImages(s, [&](ImagesRepository& r) { return r.findAsset(owner, id); });
    REQUIRE_MESSAGE(found.ok(), found.error().message);
    return *found;
}

}  // namespace

TEST_SUITE("conformance.images.assets") {
    TEST_CASE("an asset reads back field for field") {
        forEachBackend([](Backend& backend) {
            auto database = backend.newDatabase();
            auto storage = openMigrated(*database);
            const auto owner = createOwner(*storage, "roundtrip");
            auto a = makeAsset(owner);
            a.type = "video";
            a.mimeType = "video/mp4";
            a.originalFileName = "Sommer \"2021\" — Zoë.mp4";
            a.durationSeconds = 12.5;
            a.width.reset();
            a.takenAt = "2021-07-04T12:20:30+02:00";
            a.title = "Title";
            a.description = "Line one\nline two";
            a.tags = {"beach", "Family \"quoted\"", "naïve\\path"};
            a.isFavorite = true;
            a.isArchived = true;
            a.exif = R"({"make":"Canon","model":"EOS R5","iso":100})";
            a.deviceAssetId = "dev-asset-1";
            a.deviceId = "phone";
            a.thumbnail = {"ready", 3};
            a.derivedBytes = 77;
            createAssetOk(*storage, a);

            const auto got = find(*storage, owner, a.id);
            REQUIRE(got.has_value());
            CHECK(got->ownerId == owner);
            CHECK(got->type == "video");
            CHECK(got->mimeType == "video/mp4");
            CHECK(got->originalFileName == a.originalFileName);
            CHECK(got->sizeBytes == a.sizeBytes);
            CHECK(got->checksum == a.checksum);
            CHECK_FALSE(got->width.has_value());
            CHECK(got->height == a.height);
            REQUIRE(got->durationSeconds.has_value());
            CHECK(*got->durationSeconds == doctest::Approx(12.5));
            CHECK(got->takenAt == "2021-07-04T12:20:30+02:00");
            CHECK(got->takenAtUs == a.takenAtUs);
            CHECK(got->createdAt == a.createdAt);
            CHECK(got->createdAtUs == a.createdAtUs);
            CHECK(got->updatedAt == a.updatedAt);
            CHECK(got->title == "Title");
            CHECK(got->description == a.description);
            CHECK(got->tags == a.tags);
            CHECK(got->isFavorite);
            CHECK(got->isArchived);
            CHECK_FALSE(got->isTrashed);
            CHECK_FALSE(got->trashedAt.has_value());
            CHECK(got->exif.find("\"EOS R5\"") != std::string::npos);
            CHECK(got->storagePath == a.storagePath);
            CHECK(got->deviceAssetId == "dev-asset-1");
            CHECK(got->deviceId == "phone");
            CHECK(got->thumbnail.state == "ready");
            CHECK(got->thumbnail.version == 3);
            CHECK(got->preview.state == "pending");
            CHECK(got->video.state == "pending");
            CHECK(got->derivedBytes == 77);
            CHECK_FALSE(got->fileMissing);
        });
    }

    TEST_CASE("the same checksum twice for one owner is a Conflict; another owner may have it") {
        forEachBackend([](Backend& backend) {
            auto database = backend.newDatabase();
            auto storage = openMigrated(*database);
            const auto alice = createOwner(*storage, "dup_a");
            const auto bob = createOwner(*storage, "dup_b");
            const auto first = makeAsset(alice);
            createAssetOk(*storage, first);

            auto again = makeAsset(alice);
            again.checksum = first.checksum;
            auto clash = withImages(*storage, [&](ImagesRepository& r) { return r.createAsset(again); });
            REQUIRE_FALSE(clash.ok());
            CHECK(clash.error().code == ErrorCode::Conflict);
            CHECK_FALSE(find(*storage, alice, again.id).has_value());

            auto existing =
                withImages(*storage, [&](ImagesRepository& r) { return r.findAssetByChecksum(alice, first.checksum); });
            REQUIRE(existing.ok());
            REQUIRE(existing->has_value());
            CHECK((*existing)->id == first.id);

            auto bobs = makeAsset(bob);
            bobs.checksum = first.checksum;
            createAssetOk(*storage, bobs);
            auto none = withImages(*storage,
                                   [&](ImagesRepository& r) { return r.findAssetByChecksum(alice, randomChecksum()); });
            REQUIRE(none.ok());
            CHECK_FALSE(none->has_value());
        });
    }

    TEST_CASE("inside a transaction a duplicate fails only its statement") {
        forEachBackend([](Backend& backend) {
            auto database = backend.newDatabase();
            auto storage = openMigrated(*database);
            const auto owner = createOwner(*storage, "dup_tx");
            const auto first = makeAsset(owner);
            createAssetOk(*storage, first);
            auto duplicate = makeAsset(owner);
            duplicate.checksum = first.checksum;
            const auto other = makeAsset(owner);
            auto status = storage->transaction([&](storage::Repositories& repos) -> Status {
                auto clash = repos.images().createAsset(duplicate);
                if (clash.ok() || clash.error().code != ErrorCode::Conflict) return internalError("expected Conflict");
                return repos.images().createAsset(other);
            });
            REQUIRE_MESSAGE(status.ok(), status.error().message);
            CHECK(find(*storage, owner, other.id).has_value());
            CHECK_FALSE(find(*storage, owner, duplicate.id).has_value());
        });
    }

    TEST_CASE("two racing inserts of the same bytes leave exactly one row") {
        forEachBackend([](Backend& backend) {
            auto database = backend.newDatabase();
            auto storage = openMigrated(*database);
            const auto owner = createOwner(*storage, "race");
            for (int round = 0; round < 10; ++round) {
                const std::string checksum = randomChecksum();
                constexpr int kRacers = 4;
                std::atomic<int> ready{0};
                std::atomic<int> won{0};
                std::atomic<int> conflicts{0};
                std::vector<std::thread> threads;
                for (int i = 0; i < kRacers; ++i) {
                    threads.emplace_back([&] {
                        auto asset = makeAsset(owner);
                        asset.checksum = checksum;
                        ready.fetch_add(1);
                        while (ready.load() < kRacers) std::this_thread::yield();
                        // No look-before-insert: the unique index alone must decide.
                        auto status = withImages(*storage, [&](ImagesRepository& r) { return r.createAsset(asset); });
                        if (status.ok()) {
                            won.fetch_add(1);
                        } else if (status.error().code == ErrorCode::Conflict) {
                            conflicts.fetch_add(1);
                        } else {
                            MESSAGE("unexpected: " << status.error().message);
                        }
                    });
                }
                for (auto& t : threads) t.join();
                CHECK(won.load() == 1);
                CHECK(conflicts.load() == kRacers - 1);
            }
            auto usage = withImages(*storage, [&](ImagesRepository& r) { return r.usage(owner, "2024-05"); });
            REQUIRE(usage.ok());
            CHECK(usage->assets == 10);
        });
    }

    TEST_CASE("another owner's asset is absent to every per-owner operation") {
        forEachBackend([](Backend& backend) {
            auto database = backend.newDatabase();
            auto storage = openMigrated(*database);
            const auto alice = createOwner(*storage, "scope_a");
            const auto bob = createOwner(*storage, "scope_b");
            auto a = makeAsset(alice);
            a.tags = {"secret"};
            createAssetOk(*storage, a);

            CHECK_FALSE(find(*storage, bob, a.id).has_value());
            auto byChecksum =
                withImages(*storage, [&](ImagesRepository& r) { return r.findAssetByChecksum(bob, a.checksum); });
            REQUIRE(byChecksum.ok());
            CHECK_FALSE(byChecksum->has_value());
            storage::AssetUpdate update;
            update.title = "stolen";
            update.updatedAt = "2024-06-01T00:00:00Z";
            auto updated = withImages(*storage, [&](ImagesRepository& r) { return r.updateAsset(bob, a.id, update); });
            REQUIRE(updated.ok());
            CHECK(*updated == AssetWrite::NotFound);
            auto trashed = withImages(
                *storage, [&](ImagesRepository& r) { return r.trashAsset(bob, a.id, "2024-06-01T00:00:00Z", 1); });
            REQUIRE(trashed.ok());
            CHECK(*trashed == AssetWrite::NotFound);
            auto deleted = withImages(*storage, [&](ImagesRepository& r) { return r.deleteAsset(bob, a.id, false); });
            REQUIRE(deleted.ok());
            CHECK_FALSE(*deleted);
            CHECK(pageIds(*storage, queryFor(bob)).empty());
            auto tags = withImages(*storage, [&](ImagesRepository& r) { return r.tags(bob); });
            REQUIRE(tags.ok());
            CHECK(tags->empty());

            const auto still = find(*storage, alice, a.id);
            REQUIRE(still.has_value());
            CHECK(still->title.empty());
            CHECK_FALSE(still->isTrashed);
        });
    }

    TEST_CASE("an update writes only the fields it carries") {
        forEachBackend([](Backend& backend) {
            auto database = backend.newDatabase();
            auto storage = openMigrated(*database);
            const auto owner = createOwner(*storage, "update");
            auto a = makeAsset(owner);
            a.title = "keep";
            a.tags = {"old"};
            createAssetOk(*storage, a);

            storage::AssetUpdate update;
            update.description = "new description";
            update.tags = std::vector<std::string>{"x", "y"};
            update.isFavorite = true;
            update.takenAt = "2020-01-02T03:04:05-05:00";
            update.takenAtUs = 1577952245LL * 1000000;
            update.updatedAt = "2024-06-01T00:00:00Z";
            auto updated =
                withImages(*storage, [&](ImagesRepository& r) { return r.updateAsset(owner, a.id, update); });
            REQUIRE_MESSAGE(updated.ok(), updated.error().message);
            CHECK(*updated == AssetWrite::Changed);
            const auto got = find(*storage, owner, a.id);
            REQUIRE(got.has_value());
            CHECK(got->title == "keep");
            CHECK(got->description == "new description");
            CHECK(got->tags == std::vector<std::string>{"x", "y"});
            CHECK(got->isFavorite);
            CHECK_FALSE(got->isArchived);
            CHECK(got->takenAt == "2020-01-02T03:04:05-05:00");
            CHECK(got->takenAtUs == 1577952245LL * 1000000);
            CHECK(got->updatedAt == "2024-06-01T00:00:00Z");

            // The tag filter follows the new tags and the new takenAt.
            auto byTag = queryFor(owner);
            byTag.filter.tag = "x";
            byTag.filter.toUs = 1600000000LL * 1000000;
            CHECK(pageIds(*storage, byTag) == std::vector<std::string>{a.id});
            byTag.filter.tag = "old";
            byTag.filter.toUs.reset();
            CHECK(pageIds(*storage, byTag).empty());

            storage::AssetUpdate half;
            half.takenAt = "2020-01-01T00:00:00Z";
            half.updatedAt = "2024-06-01T00:00:00Z";
            auto bad = withImages(*storage, [&](ImagesRepository& r) { return r.updateAsset(owner, a.id, half); });
            REQUIRE_FALSE(bad.ok());
            CHECK(bad.error().code == ErrorCode::Invalid);
        });
    }

    TEST_CASE("records breaking the rules are Invalid, and taken ids and paths are Conflicts") {
        forEachBackend([](Backend& backend) {
            auto database = backend.newDatabase();
            auto storage = openMigrated(*database);
            const auto owner = createOwner(*storage, "rules");
            const auto create = [&](const AssetRecord& a) {
                return withImages(*storage, [&](ImagesRepository& r) { return r.createAsset(a); });
            };
            auto badType = makeAsset(owner);
            badType.type = "document";
            auto badChecksum = makeAsset(owner);
            badChecksum.checksum = "ABC";
            auto upperChecksum = makeAsset(owner);
            for (auto& c : upperChecksum.checksum) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
            upperChecksum.checksum[0] = 'A';
            auto trashedWithoutTime = makeAsset(owner);
            trashedWithoutTime.isTrashed = true;
            auto badTag = makeAsset(owner);
            badTag.tags = {"a\x01"};
            auto emptyTag = makeAsset(owner);
            emptyTag.tags = {""};
            for (const auto* a : {&badType, &badChecksum, &upperChecksum, &trashedWithoutTime, &badTag, &emptyTag}) {
                auto status = create(*a);
                REQUIRE_FALSE(status.ok());
                CHECK(status.error().code == ErrorCode::Invalid);
            }
            const auto first = makeAsset(owner);
            createAssetOk(*storage, first);
            auto sameId = makeAsset(owner);
            sameId.id = first.id;
            auto samePath = makeAsset(owner);
            samePath.storagePath = first.storagePath;
            for (const auto* a : {&sameId, &samePath}) {
                auto status = create(*a);
                REQUIRE_FALSE(status.ok());
                CHECK(status.error().code == ErrorCode::Conflict);
            }
            auto byPath =
                withImages(*storage, [&](ImagesRepository& r) { return r.findAssetByStoragePath(first.storagePath); });
            REQUIRE(byPath.ok());
            REQUIRE(byPath->has_value());
            CHECK((*byPath)->id == first.id);
        });
    }
}

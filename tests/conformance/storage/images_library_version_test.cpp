// The per-owner library version that the listing cache trusts: every committed write a listing shows makes it
// grow, reads and rolled-back writes leave it alone, and one owner's writes never move another's. A plugin
// missing one write path here would serve a stale page forever, so every path is walked on every backend.
#include <doctest/doctest.h>

#include "backend_context.hpp"
#include "conformance_support.hpp"
#include "images_support.hpp"

using namespace obscura;
using namespace obscura::conformance;
using storage::ImagesRepository;

namespace {

template <typename T>
Status statusOf(Expected<T> result) {
    if (!result) return std::move(result).error();
    return {};
}

std::int64_t versionOf(storage::Storage& s, const std::string& owner) {
    auto version = withImages(s, [&](ImagesRepository& r) { return r.libraryVersion(owner); });
    REQUIRE_MESSAGE(version.ok(), (version.ok() ? "" : version.error().message));
    return *version;
}

// Runs one write and checks that it moved the owner's version and left the bystander's alone.
class VersionWatch {
public:
    VersionWatch(storage::Storage& s, std::string owner, std::string bystander)
        : storage_(s), owner_(std::move(owner)), bystander_(std::move(bystander)) {
        last_ = versionOf(storage_, owner_);
        bystanderVersion_ = versionOf(storage_, bystander_);
    }

    template <typename Write>
    void grows(const char* what, Write&& write) {
        INFO("write: " << what);
        write();
        const auto now = versionOf(storage_, owner_);
        CHECK(now > last_);
        CHECK(versionOf(storage_, bystander_) == bystanderVersion_);
        last_ = now;
    }

    template <typename Read>
    void stays(const char* what, Read&& read) {
        INFO("not a write: " << what);
        read();
        CHECK(versionOf(storage_, owner_) == last_);
    }

private:
    storage::Storage& storage_;
    std::string owner_;
    std::string bystander_;
    std::int64_t last_ = 0;
    std::int64_t bystanderVersion_ = 0;
};

storage::AlbumRecord makeAlbum(const std::string& ownerId) {
    storage::AlbumRecord a;
    a.id = newUuid();
    a.ownerId = ownerId;
    a.name = "Versions";
    a.createdAt = utcText(kJuly2021Us);
    a.createdAtUs = kJuly2021Us;
    a.updatedAt = a.createdAt;
    return a;
}

template <typename Fn>
void albums(storage::Storage& s, Fn&& fn) {
    Status status = s.run([&](storage::Repositories& repos) -> Status { return fn(repos.albums()); });
    REQUIRE_MESSAGE(status.ok(), (status.ok() ? "" : status.error().message));
}

template <typename Fn>
void images(storage::Storage& s, Fn&& fn) {
    Status status = s.run([&](storage::Repositories& repos) -> Status { return fn(repos.images()); });
    REQUIRE_MESSAGE(status.ok(), (status.ok() ? "" : status.error().message));
}

}  // namespace

TEST_SUITE("conformance.images.library_version") {
    TEST_CASE("every write a listing shows grows the owner's library version, and only the owner's") {
        forEachBackend([](Backend& backend) {
            auto database = backend.newDatabase();
            auto storage = openMigrated(*database);
            const auto alice = createOwner(*storage, "ver-a");
            const auto bob = createOwner(*storage, "ver-b");
            CHECK(versionOf(*storage, alice) == 0);  // no asset yet

            const auto bobs = makeAsset(bob);
            createAssetOk(*storage, bobs);
            VersionWatch watch(*storage, alice, bob);
            const auto a = makeAsset(alice);
            const auto b = makeAsset(alice);
            watch.grows("createAsset", [&] { createAssetOk(*storage, a); });
            watch.grows("createAsset (second)", [&] { createAssetOk(*storage, b); });

            watch.stays("listAssets, findAsset, countAssets", [&] {
                CHECK(pageIds(*storage, queryFor(alice)).size() == 2);
                images(*storage, [&](ImagesRepository& r) -> Status {
                    OBSCURA_TRY_STATUS(r.findAsset(alice, a.id));
                    OBSCURA_TRY_STATUS(r.countAssets(alice));
                    return r.addBandwidth(alice, "2024-05", 1000);  // bytes served are not shown by a listing
                });
            });

            storage::AssetUpdate title;
            title.title = "New title";
            title.updatedAt = "2024-01-01T00:00:00Z";
            watch.grows("updateAsset (title)", [&] {
                images(*storage, [&](ImagesRepository& r) -> Status {
                    OBSCURA_TRY(write, r.updateAsset(alice, a.id, title));
                    return write == storage::AssetWrite::Changed ? Status{} : Status(internalError("not changed"));
                });
            });
            storage::AssetUpdate favourite;
            favourite.isFavorite = true;
            favourite.tags = std::vector<std::string>{"beach"};
            favourite.updatedAt = "2024-01-02T00:00:00Z";
            watch.grows("updateAsset (favourite, tags)", [&] {
                images(*storage,
                       [&](ImagesRepository& r) -> Status { return statusOf(r.updateAsset(alice, a.id, favourite)); });
            });
            watch.grows("setDerivativeState", [&] {
                images(*storage, [&](ImagesRepository& r) -> Status {
                    return statusOf(r.setDerivativeState(a.id, "thumbnail", "ready", 1, 100));
                });
            });
            watch.grows("setFileMissing", [&] {
                images(*storage, [&](ImagesRepository& r) -> Status { return statusOf(r.setFileMissing(b.id, true)); });
            });

            const auto album = makeAlbum(alice);
            watch.stays("createAlbum (an empty album lists nothing)",
                        [&] { albums(*storage, [&](storage::AlbumsRepository& r) { return r.createAlbum(album); }); });
            watch.grows("addAlbumAssets", [&] {
                albums(*storage, [&](storage::AlbumsRepository& r) -> Status {
                    return statusOf(r.addAlbumAssets(alice, album.id, {a.id, b.id}, 5, "t"));
                });
            });
            watch.grows("removeAlbumAssets", [&] {
                albums(*storage, [&](storage::AlbumsRepository& r) -> Status {
                    return statusOf(r.removeAlbumAssets(alice, album.id, {b.id}, "t"));
                });
            });
            watch.grows("deleteAlbum (its membership goes with it)", [&] {
                albums(*storage, [&](storage::AlbumsRepository& r) -> Status {
                    OBSCURA_TRY(deleted, r.deleteAlbum(alice, album.id));
                    return deleted ? Status{} : Status(internalError("album not deleted"));
                });
            });

            watch.grows("trashAsset", [&] {
                images(*storage, [&](ImagesRepository& r) -> Status {
                    return statusOf(r.trashAsset(alice, a.id, "2024-02-01T00:00:00Z", 1706745600000000));
                });
            });
            watch.grows("restoreAssets", [&] {
                images(*storage, [&](ImagesRepository& r) -> Status {
                    OBSCURA_TRY(restored, r.restoreAssets(alice, {a.id}, "2024-02-02T00:00:00Z"));
                    return restored.size() == 1 ? Status{} : Status(internalError("not restored"));
                });
            });
            watch.grows("deleteAsset", [&] {
                images(*storage, [&](ImagesRepository& r) -> Status {
                    OBSCURA_TRY(deleted, r.deleteAsset(alice, b.id, false));
                    return deleted ? Status{} : Status(internalError("not deleted"));
                });
            });

            // A write that is rolled back was never seen by a listing: the version must not count it.
            watch.stays("a rolled-back update", [&] {
                Status status = storage->transaction([&](storage::Repositories& repos) -> Status {
                    OBSCURA_TRY_STATUS(repos.images().updateAsset(alice, a.id, title));
                    return Error(ErrorCode::Conflict, "roll back on purpose");
                });
                CHECK_FALSE(status.ok());
            });
        });
    }
}

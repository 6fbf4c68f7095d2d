// The images repository's bookkeeping for other modules: derivative state and file state (media, fsck), and
// walking every asset of one owner or of everyone (user deletion, fsck).
#include <doctest/doctest.h>

#include <algorithm>

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

TEST_SUITE("conformance.images.bookkeeping") {
    TEST_CASE("derivative state: versions never go down, unknown kinds are Invalid, gone assets NotFound") {
        forEachBackend([](Backend& backend) {
            auto database = backend.newDatabase();
            auto storage = openMigrated(*database);
            const auto owner = createOwner(*storage, "deriv");
            const auto a = makeAsset(owner);
            createAssetOk(*storage, a);
            const auto set = [&](const std::string& kind, const std::string& state, std::int64_t version,
                                 std::optional<std::int64_t> bytes = std::nullopt) {
                return withImages(*storage, [&](ImagesRepository& r) {
                    return r.setDerivativeState(a.id, kind, state, version, bytes);
                });
            };
            auto ready = set("thumbnail", "ready", 2, 500);
            REQUIRE_MESSAGE(ready.ok(), ready.error().message);
            CHECK(*ready == AssetWrite::Changed);
            REQUIRE(set("thumbnail", "ready", 1).ok());  // a late duplicate of an older version
            REQUIRE(set("preview", "failed", 0).ok());
            auto got = find(*storage, owner, a.id);
            REQUIRE(got.has_value());
            CHECK(got->thumbnail.state == "ready");
            CHECK(got->thumbnail.version == 2);
            CHECK(got->preview.state == "failed");
            CHECK(got->video.state == "pending");
            CHECK(got->derivedBytes == 500);
            auto usage = withImages(*storage, [&](ImagesRepository& r) { return r.usage(owner, "2024-05"); });
            REQUIRE(usage.ok());
            CHECK(usage->bytesDerived == 500);

            auto badKind = set("mp3", "ready", 1);
            REQUIRE_FALSE(badKind.ok());
            CHECK(badKind.error().code == ErrorCode::Invalid);
            auto badState = set("thumbnail", "done", 1);
            REQUIRE_FALSE(badState.ok());
            CHECK(badState.error().code == ErrorCode::Invalid);
            auto gone = withImages(*storage, [&](ImagesRepository& r) {
                return r.setDerivativeState(conformance::newUuid(), "thumbnail", "ready", 1, std::nullopt);
            });
            REQUIRE(gone.ok());
            CHECK(*gone == AssetWrite::NotFound);

            auto missing = withImages(*storage, [&](ImagesRepository& r) { return r.setFileMissing(a.id, true); });
            REQUIRE(missing.ok());
            CHECK(*missing == AssetWrite::Changed);
            CHECK(find(*storage, owner, a.id)->fileMissing);
        });
    }

    TEST_CASE("walking one owner's assets and every asset in id order") {
        forEachBackend([](Backend& backend) {
            auto database = backend.newDatabase();
            auto storage = openMigrated(*database);
            const auto alice = createOwner(*storage, "walk_a");
            const auto bob = createOwner(*storage, "walk_b");
            std::vector<std::string> alices;
            for (int i = 0; i < 7; ++i) {
                auto a = makeAsset(alice, kJuly2021Us + i);
                a.isTrashed = i == 3;
                if (a.isTrashed) {
                    a.trashedAt = "2024-01-01T00:00:00Z";
                    a.trashedAtUs = 1;
                }
                createAssetOk(*storage, a);
                alices.push_back(a.id);
            }
            const auto bobs = makeAsset(bob);
            createAssetOk(*storage, bobs);
            std::sort(alices.begin(), alices.end());

            std::vector<std::string> walked;
            std::string after;
            while (true) {
                auto page =
                    withImages(*storage, [&](ImagesRepository& r) { return r.listOwnerAssets(alice, after, 3); });
                REQUIRE(page.ok());
                if (page->empty()) break;
                for (const auto& a : *page) walked.push_back(a.id);
                after = page->back().id;
            }
            CHECK(walked == alices);

            std::vector<std::string> everything;
            after.clear();
            while (true) {
                auto page = withImages(*storage, [&](ImagesRepository& r) { return r.listAllAssets(after, 4); });
                REQUIRE(page.ok());
                if (page->empty()) break;
                for (const auto& a : *page) everything.push_back(a.id);
                after = page->back().id;
            }
            CHECK(std::is_sorted(everything.begin(), everything.end()));
            for (const auto& id : alices)
                CHECK(std::find(everything.begin(), everything.end(), id) != everything.end());
            CHECK(std::find(everything.begin(), everything.end(), bobs.id) != everything.end());
        });
    }
}

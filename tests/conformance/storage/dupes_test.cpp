// The dupes repository's contract (migration module "dupes"): a hash is put (and replaced) per asset and goes with
// it; the band lookup finds exactly the live assets of the given owners within the distance, nearest first, on both
// sides of the probe radius and past the sign bit; the backfill's list is "ready thumbnail, no hash"; dismissed pairs
// are kept ordered and idempotent; related photos' inputs (same day, nearby place, shared tags) answer in order.
#include <doctest/doctest.h>

#include <bit>

#include "backend_context.hpp"
#include "conformance_support.hpp"
#include "images_support.hpp"

using namespace obscura;
using namespace obscura::conformance;
using storage::DupesRepository;

namespace {

template <typename Fn>
auto withDupes(storage::Storage& storage, Fn&& fn) -> decltype(fn(std::declval<DupesRepository&>())) {
    using Result = decltype(fn(std::declval<DupesRepository&>()));
    std::optional<Result> result;
    Status status = storage.run([&](storage::Repositories& repos) -> Status {
        result.emplace(fn(repos.dupes()));
        return {};
    });
    if (!status) return std::move(status).error();
    return std::move(*result);
}

storage::AssetRecord imageOf(storage::Storage& s, const std::string& owner, std::int64_t takenAtUs = kJuly2021Us,
                             std::vector<std::string> tags = {}) {
    auto asset = makeAsset(owner, takenAtUs);
    asset.tags = std::move(tags);
    createAssetOk(s, asset);
    return asset;
}

void putHash(storage::Storage& s, const storage::AssetRecord& asset, std::uint64_t hash,
             std::optional<double> lat = std::nullopt, std::optional<double> lon = std::nullopt) {
    storage::PerceptualHashRecord r{asset.id, asset.ownerId, hash, lat, lon};
    auto put = withDupes(s, [&](DupesRepository& d) { return d.putPerceptualHash(r); });
    REQUIRE_MESSAGE(put.ok(), (put.ok() ? "" : put.error().message));
}

// `base` with the given bits flipped.
std::uint64_t flip(std::uint64_t base, std::initializer_list<int> bits) {
    for (int b : bits) base ^= std::uint64_t{1} << b;
    return base;
}

}  // namespace

TEST_SUITE("conformance.dupes") {
    TEST_CASE("a perceptual hash is stored per asset with its place, replaced when put again, and goes with it") {
        forEachBackend([](Backend& backend) {
            auto database = backend.newDatabase();
            auto s = openMigrated(*database);
            const auto owner = createOwner(*s, "hash");
            const auto asset = imageOf(*s, owner);
            const std::uint64_t high = 0xF00DFACE12345678ULL;  // the sign bit set: stored as a negative BIGINT
            putHash(*s, asset, high, 48.8584, 2.2945);
            auto found = withDupes(*s, [&](DupesRepository& d) { return d.findPerceptualHash(asset.id); });
            REQUIRE(found.ok());
            REQUIRE(found->has_value());
            CHECK((*found)->hash == high);
            CHECK((*found)->ownerId == owner);
            CHECK((*found)->latitude.value_or(0) == doctest::Approx(48.8584));
            CHECK((*found)->longitude.value_or(0) == doctest::Approx(2.2945));
            putHash(*s, asset, 42);
            found = withDupes(*s, [&](DupesRepository& d) { return d.findPerceptualHash(asset.id); });
            CHECK((*found)->hash == 42);
            CHECK_FALSE((*found)->latitude.has_value());

            storage::PerceptualHashRecord stray{newUuid(), owner, 1, {}, {}};
            auto gone = withDupes(*s, [&](DupesRepository& d) { return d.putPerceptualHash(stray); });
            REQUIRE_FALSE(gone.ok());
            CHECK(gone.error().code == ErrorCode::NotFound);

            REQUIRE(withImages(*s, [&](storage::ImagesRepository& r) {
                        return r.deleteAsset(owner, asset.id, false);
                    }).ok());
            found = withDupes(*s, [&](DupesRepository& d) { return d.findPerceptualHash(asset.id); });
            CHECK_FALSE(found->has_value());
        });
    }

    TEST_CASE("the band lookup finds exactly the live assets within the distance, nearest first, of the owners given") {
        forEachBackend([](Backend& backend) {
            auto database = backend.newDatabase();
            auto s = openMigrated(*database);
            const auto owner = createOwner(*s, "bands");
            const auto other = createOwner(*s, "other");
            const std::uint64_t base = 0x8123456789ABCDEFULL;
            const auto same = imageOf(*s, owner);
            const auto three = imageOf(*s, owner);    // one bit in each of three bands: band 3 equal
            const auto four = imageOf(*s, owner);     // one bit in every band: only a neighbour probe finds it
            const auto six = imageOf(*s, owner);      // 2, 2, 1, 1 bits: no band equal
            const auto seven = imageOf(*s, owner);    // 7 bits all in band 0 (bands 1-3 equal)
            const auto far = imageOf(*s, owner);      // every bit flipped
            const auto trashed = imageOf(*s, owner);  // identical but in the trash
            const auto foreign = imageOf(*s, other);  // identical but someone else's
            putHash(*s, same, base);
            putHash(*s, three, flip(base, {1, 17, 33}));
            putHash(*s, four, flip(base, {1, 17, 33, 49}));
            putHash(*s, six, flip(base, {1, 2, 17, 18, 33, 49}));
            putHash(*s, seven, flip(base, {0, 1, 2, 3, 4, 5, 6}));
            putHash(*s, far, ~base);
            putHash(*s, trashed, base);
            putHash(*s, foreign, base);
            REQUIRE(withImages(*s, [&](storage::ImagesRepository& r) {
                        return r.trashAsset(owner, trashed.id, utcText(kJuly2021Us), kJuly2021Us);
                    }).ok());

            auto find = [&](std::vector<std::string> owners, int d) {
                auto got = withDupes(*s, [&](DupesRepository& r) { return r.findSimilarHashes(owners, base, d, 100); });
                REQUIRE_MESSAGE(got.ok(), (got.ok() ? "" : got.error().message));
                std::vector<std::pair<std::string, int>> out;
                for (const auto& m : *got) out.emplace_back(m.assetId, m.distance);
                return out;
            };
            using P = std::vector<std::pair<std::string, int>>;
            CHECK(find({owner}, 0) == P{{same.id, 0}});
            CHECK(find({owner}, 3) == P{{same.id, 0}, {three.id, 3}});
            CHECK(find({owner}, 4) == P{{same.id, 0}, {three.id, 3}, {four.id, 4}});
            CHECK(find({owner}, 5) == P{{same.id, 0}, {three.id, 3}, {four.id, 4}});
            CHECK(find({owner}, 6) == P{{same.id, 0}, {three.id, 3}, {four.id, 4}, {six.id, 6}});
            CHECK(find({owner}, 7) == P{{same.id, 0}, {three.id, 3}, {four.id, 4}, {six.id, 6}, {seven.id, 7}});
            CHECK(find({owner}, 64).size() == 6);  // past the probes: a scan, the far one too
            CHECK(find({owner}, 64).back() == std::pair<std::string, int>{far.id, 64});
            auto both = find({owner, other}, 0);
            CHECK(both.size() == 2);
            auto limited = withDupes(*s, [&](DupesRepository& r) { return r.findSimilarHashes({owner}, base, 7, 2); });
            REQUIRE(limited.ok());
            CHECK(limited->size() == 2);
        });
    }

    TEST_CASE("an owner's hashes are listed in id order in pages; the backfill lists ready images without one") {
        forEachBackend([](Backend& backend) {
            auto database = backend.newDatabase();
            auto s = openMigrated(*database);
            const auto owner = createOwner(*s, "list");
            std::vector<std::string> ids;
            for (int i = 0; i < 5; ++i) {
                auto a = imageOf(*s, owner);
                putHash(*s, a, static_cast<std::uint64_t>(i));
                ids.push_back(a.id);
            }
            std::sort(ids.begin(), ids.end());
            auto first = withDupes(*s, [&](DupesRepository& d) { return d.listOwnerHashes(owner, "", 3); });
            REQUIRE(first.ok());
            REQUIRE(first->size() == 3);
            auto rest =
                withDupes(*s, [&](DupesRepository& d) { return d.listOwnerHashes(owner, first->back().assetId, 3); });
            REQUIRE(rest.ok());
            REQUIRE(rest->size() == 2);
            CHECK((*first)[0].assetId == ids[0]);
            CHECK((*rest)[1].assetId == ids[4]);

            auto pending = imageOf(*s, owner);  // thumbnail pending: not yet
            auto ready = imageOf(*s, owner);
            auto video = makeAsset(owner);
            video.type = "video";
            video.mimeType = "video/mp4";
            createAssetOk(*s, video);
            for (const auto& id : {ready.id, video.id})
                REQUIRE(withImages(*s, [&](storage::ImagesRepository& r) {
                            return r.setDerivativeState(id, storage::kDerivativeThumbnail, storage::kDerivativeReady, 1,
                                                        std::nullopt);
                        }).ok());
            auto unhashed = withDupes(*s, [&](DupesRepository& d) { return d.listUnhashedImages("", 100); });
            REQUIRE(unhashed.ok());
            REQUIRE(unhashed->size() == 1);
            CHECK((*unhashed)[0].assetId == ready.id);
            CHECK((*unhashed)[0].ownerId == owner);
            CHECK(withDupes(*s, [&](DupesRepository& d) { return d.countUnhashedImages(); }).valueOr(-1) == 1);
            CHECK(withDupes(*s, [&](DupesRepository& d) { return d.listUnhashedImages(ready.id, 100); })->empty());
            putHash(*s, ready, 7);
            CHECK(withDupes(*s, [&](DupesRepository& d) { return d.countUnhashedImages(); }).valueOr(-1) == 0);
            (void)pending;
        });
    }

    TEST_CASE("dismissed pairs are stored ordered, once, per owner, and go with their assets") {
        forEachBackend([](Backend& backend) {
            auto database = backend.newDatabase();
            auto s = openMigrated(*database);
            const auto owner = createOwner(*s, "dismiss");
            const auto a = imageOf(*s, owner), b = imageOf(*s, owner), c = imageOf(*s, owner);
            auto ordered = [](const std::string& x, const std::string& y) {
                return storage::AssetPair{std::min(x, y), std::max(x, y)};
            };
            REQUIRE(withDupes(*s, [&](DupesRepository& d) {
                        return d.dismissDuplicatePairs(owner, {{b.id, a.id}, {a.id, b.id}, {c.id, a.id}, {a.id, a.id}});
                    }).ok());
            REQUIRE(withDupes(*s, [&](DupesRepository& d) {
                        return d.dismissDuplicatePairs(owner, {{a.id, b.id}});
                    }).ok());
            auto pairs = withDupes(*s, [&](DupesRepository& d) { return d.listDismissedPairs(owner); });
            REQUIRE(pairs.ok());
            std::vector<storage::AssetPair> expected = {ordered(a.id, b.id), ordered(a.id, c.id)};
            std::sort(expected.begin(), expected.end());
            CHECK(*pairs == expected);
            const auto stranger = createOwner(*s, "x");
            CHECK(withDupes(*s, [&](DupesRepository& d) { return d.listDismissedPairs(stranger); })->empty());
            REQUIRE(
                withImages(*s, [&](storage::ImagesRepository& r) { return r.deleteAsset(owner, c.id, false); }).ok());
            pairs = withDupes(*s, [&](DupesRepository& d) { return d.listDismissedPairs(owner); });
            CHECK(*pairs == std::vector<storage::AssetPair>{ordered(a.id, b.id)});
        });
    }

    TEST_CASE("related inputs: taken the same day nearest first, placed nearby nearest first, most shared tags first") {
        forEachBackend([](Backend& backend) {
            auto database = backend.newDatabase();
            auto s = openMigrated(*database);
            const auto owner = createOwner(*s, "related");
            const std::int64_t hour = 3600LL * 1000000;
            const auto at0 = imageOf(*s, owner, kJuly2021Us, {"Beach", "family"});
            const auto at3 = imageOf(*s, owner, kJuly2021Us + 3 * hour, {"beach"});
            const auto atMinus1 = imageOf(*s, owner, kJuly2021Us - hour, {"BEACH", "Family", "dog"});
            const auto nextWeek = imageOf(*s, owner, kJuly2021Us + 24 * 7 * hour, {"cat"});
            auto day = withDupes(*s, [&](DupesRepository& d) {
                return d.findTakenBetween({owner}, kJuly2021Us - 24 * hour, kJuly2021Us + 24 * hour, kJuly2021Us, 10);
            });
            REQUIRE(day.ok());
            CHECK(*day == std::vector<std::string>{at0.id, atMinus1.id, at3.id});

            putHash(*s, at0, 1, 48.8584, 2.2945);        // Eiffel Tower
            putHash(*s, at3, 2, 48.8606, 2.3376);        // the Louvre, 3.2 km
            putHash(*s, atMinus1, 3, 48.8530, 2.3499);   // Notre-Dame, 4.2 km
            putHash(*s, nextWeek, 4, 51.5007, -0.1246);  // London
            auto near = withDupes(
                *s, [&](DupesRepository& d) { return d.findPlacedNear({owner}, 48.8584, 2.2945, 0.1, 0.1, 10); });
            REQUIRE(near.ok());
            CHECK(*near == std::vector<std::string>{at0.id, at3.id, atMinus1.id});

            auto tagged = withDupes(*s, [&](DupesRepository& d) {
                return d.findSharingTags({owner}, {"beach", "FAMILY"}, 10);
            });
            REQUIRE(tagged.ok());
            CHECK(*tagged == std::vector<std::string>{at0.id, atMinus1.id, at3.id});
            CHECK(withDupes(*s, [&](DupesRepository& d) { return d.findSharingTags({owner}, {}, 10); })->empty());
        });
    }
}

// "Finding photos again" (DESIGN.md section 11) in the images repository: map markers, on-this-day memories by the
// photo's own calendar day, and the search filters (camera make/model/lens, near a place) with keyset paging.
#include <doctest/doctest.h>

#include <algorithm>
#include <set>

#include "backend_context.hpp"
#include "conformance_support.hpp"
#include "images_support.hpp"
#include "obscura/base/rfc3339.hpp"

using namespace obscura;
using namespace obscura::conformance;
using storage::AssetRecord;
using storage::ImagesRepository;

namespace {

constexpr std::int64_t kDayUs = 86400LL * 1000000;

AssetRecord placed(const std::string& owner, double lat, double lon, std::int64_t takenAtUs = kJuly2021Us) {
    auto a = makeAsset(owner, takenAtUs);
    a.exif = R"({"latitude":)" + std::to_string(lat) + R"(,"longitude":)" + std::to_string(lon) + "}";
    return a;
}

// An asset taken at a local time written with its own offset ("2019-07-04T23:30:00+09:00").
AssetRecord takenLocally(const std::string& owner, const std::string& takenAt) {
    auto a = makeAsset(owner);
    const auto us = parseRfc3339Us(takenAt);
    REQUIRE(us.has_value());
    a.takenAt = takenAt;
    a.takenAtUs = *us;
    return a;
}

AssetRecord camera(const std::string& owner, const std::string& exif, std::int64_t takenAtUs) {
    auto a = makeAsset(owner, takenAtUs);
    a.exif = exif;
    return a;
}

std::set<std::string> markerIds(storage::Storage& s, const storage::MarkerFilter& filter) {
    auto found = withImages(s, [&](ImagesRepository& r) { return r.mapMarkers(filter); });
    REQUIRE_MESSAGE(found.ok(), found.error().message);
    std::set<std::string> ids;
    for (const auto& m : found->markers) ids.insert(std::string(found->id(m)));
    return ids;
}

std::vector<std::string> memoryIds(storage::Storage& s, const std::string& owner, std::vector<std::string> days,
                                   const std::string& beforeYear) {
    storage::MemoryQuery q;
    q.ownerId = owner;
    q.monthDays = std::move(days);
    q.beforeYear = beforeYear;
    auto found = withImages(s, [&](ImagesRepository& r) { return r.memories(q); });
    REQUIRE_MESSAGE(found.ok(), found.error().message);
    std::vector<std::string> ids;
    for (const auto& a : *found) ids.push_back(a.id);
    return ids;
}

void setFlags(storage::Storage& s, const AssetRecord& a, std::optional<bool> favorite, std::optional<bool> archived) {
    storage::AssetUpdate u;
    u.isFavorite = favorite;
    u.isArchived = archived;
    u.updatedAt = "2024-05-01T00:00:00Z";
    auto done = withImages(s, [&](ImagesRepository& r) { return r.updateAsset(a.ownerId, a.id, u); });
    REQUIRE(done.ok());
}

void trash(storage::Storage& s, const AssetRecord& a) {
    auto done =
        withImages(s, [&](ImagesRepository& r) { return r.trashAsset(a.ownerId, a.id, "2024-05-01T00:00:00Z", 5); });
    REQUIRE(done.ok());
}

}  // namespace

TEST_SUITE("conformance.images.finding") {
    TEST_CASE("markers: the owner's live positioned assets, archived only when asked, partners' live unarchived") {
        forEachBackend([](Backend& backend) {
            auto database = backend.newDatabase();
            auto s = openMigrated(*database);
            const auto owner = createOwner(*s, "mapowner");
            const auto partner = createOwner(*s, "mappartner");
            const auto stranger = createOwner(*s, "mapstranger");
            const auto paris = placed(owner, 48.8584, 2.2945);
            const auto sydney = placed(owner, -33.8568, 151.2153, kJuly2021Us + 10 * kDayUs);
            const auto archived = placed(owner, 10, 10);
            const auto trashed = placed(owner, 20, 20);
            const auto nowhere = makeAsset(owner);
            const auto outOfRange = camera(owner, R"({"latitude":95.0,"longitude":10.0})", kJuly2021Us);
            const auto theirs = placed(partner, 51.5, -0.12);
            const auto theirsArchived = placed(partner, 52.5, 13.4);
            const auto strangers = placed(stranger, 40.7, -74.0);
            for (const auto* a :
                 {&paris, &sydney, &archived, &trashed, &nowhere, &outOfRange, &theirs, &theirsArchived, &strangers})
                createAssetOk(*s, *a);
            setFlags(*s, archived, std::nullopt, true);
            setFlags(*s, theirsArchived, std::nullopt, true);
            setFlags(*s, paris, true, std::nullopt);
            trash(*s, trashed);

            storage::MarkerFilter f;
            f.ownerId = owner;
            CHECK(markerIds(*s, f) == std::set<std::string>{paris.id, sydney.id});
            auto found = withImages(*s, [&](ImagesRepository& r) { return r.mapMarkers(f); });
            REQUIRE(found.ok());
            for (const auto& m : found->markers) {
                if (found->id(m) != paris.id) continue;
                CHECK(m.latitude == doctest::Approx(48.8584));
                CHECK(m.longitude == doctest::Approx(2.2945));
            }
            f.withArchived = true;
            CHECK(markerIds(*s, f) == std::set<std::string>{paris.id, sydney.id, archived.id});
            f.withArchived = false;
            f.favorite = true;
            CHECK(markerIds(*s, f) == std::set<std::string>{paris.id});
            f.favorite = false;
            CHECK(markerIds(*s, f) == std::set<std::string>{sydney.id});
            f.favorite.reset();
            f.fromUs = kJuly2021Us + kDayUs;
            CHECK(markerIds(*s, f) == std::set<std::string>{sydney.id});
            f.fromUs.reset();
            f.toUs = kJuly2021Us + kDayUs;
            CHECK(markerIds(*s, f) == std::set<std::string>{paris.id});
            f.toUs.reset();
            f.partnerIds = {partner};
            f.withArchived = true;  // the owner's own archive only: never a partner's
            CHECK(markerIds(*s, f) == std::set<std::string>{paris.id, sydney.id, archived.id, theirs.id});
        });
    }

    TEST_CASE("memories: the photo's own local day in past years, newest first; 29 February when asked") {
        forEachBackend([](Backend& backend) {
            auto database = backend.newDatabase();
            auto s = openMigrated(*database);
            const auto owner = createOwner(*s, "memories");
            const auto other = createOwner(*s, "memoriesother");
            // 4 July local time, whatever the offset (the UTC day differs for two of them).
            const auto tokyo = takenLocally(owner, "2019-07-04T23:30:00+09:00");
            const auto hawaii = takenLocally(owner, "2016-07-04T20:00:00-10:00");
            const auto utc = takenLocally(owner, "2020-07-04T12:00:00Z");
            // Not 4 July where they were taken, though their UTC instant is.
            const auto nextDayLocal = takenLocally(owner, "2018-07-05T01:00:00+09:00");
            const auto dayBeforeLocal = takenLocally(owner, "2017-07-03T22:00:00-05:00");
            const auto thisYear = takenLocally(owner, "2024-07-04T09:00:00Z");
            const auto trashed = takenLocally(owner, "2015-07-04T09:00:00Z");
            const auto archived = takenLocally(owner, "2014-07-04T09:00:00Z");
            const auto others = takenLocally(other, "2019-07-04T09:00:00Z");
            const auto leap = takenLocally(owner, "2020-02-29T12:00:00+01:00");
            const auto feb28 = takenLocally(owner, "2021-02-28T12:00:00Z");
            for (const auto* a : {&tokyo, &hawaii, &utc, &nextDayLocal, &dayBeforeLocal, &thisYear, &trashed, &archived,
                                  &others, &leap, &feb28})
                createAssetOk(*s, *a);
            trash(*s, trashed);
            setFlags(*s, archived, std::nullopt, true);

            CHECK(memoryIds(*s, owner, {"07-04"}, "2024") == std::vector<std::string>{utc.id, tokyo.id, hawaii.id});
            CHECK(memoryIds(*s, owner, {"07-04"}, "2020") == std::vector<std::string>{tokyo.id, hawaii.id});
            CHECK(memoryIds(*s, owner, {"07-05"}, "2024") == std::vector<std::string>{nextDayLocal.id});
            CHECK(memoryIds(*s, owner, {"07-03"}, "2024") == std::vector<std::string>{dayBeforeLocal.id});
            // 28 February of a common year asks for both days; a leap year's 28 February only its own.
            CHECK(memoryIds(*s, owner, {"02-28", "02-29"}, "2023") == std::vector<std::string>{feb28.id, leap.id});
            CHECK(memoryIds(*s, owner, {"02-28"}, "2024") == std::vector<std::string>{feb28.id});
            CHECK(memoryIds(*s, owner, {"02-29"}, "2024") == std::vector<std::string>{leap.id});
            CHECK(memoryIds(*s, owner, {"02-29"}, "2020").empty());
            CHECK(memoryIds(*s, other, {"07-04"}, "2024") == std::vector<std::string>{others.id});

            storage::MemoryQuery bad;
            bad.ownerId = owner;
            bad.beforeYear = "2024";
            bad.monthDays = {"7-4"};
            auto refused = withImages(*s, [&](ImagesRepository& r) { return r.memories(bad); });
            REQUIRE_FALSE(refused.ok());
            CHECK(refused.error().code == ErrorCode::Invalid);
        });
    }

    TEST_CASE("search filters: make, model and lens whole and case-insensitive, near a place, with text and paging") {
        forEachBackend([](Backend& backend) {
            auto database = backend.newDatabase();
            auto s = openMigrated(*database);
            const auto owner = createOwner(*s, "filters");
            std::vector<std::string> canons;  // newest first
            for (int i = 0; i < 7; ++i) {
                auto a = camera(owner, R"({"make":"Canon","model":"EOS R5","lens":"RF24-105mm F4 L IS USM"})",
                                kJuly2021Us - i * kDayUs);
                if (i == 3) a.title = "harbour";
                createAssetOk(*s, a);
                canons.push_back(a.id);
            }
            const auto nikon = camera(owner, R"({"make":"NIKON CORPORATION","model":"NIKON Z 6"})", kJuly2021Us);
            const auto canonOther = camera(owner, R"({"make":"Canon","model":"EOS 5D"})", kJuly2021Us);
            const auto paris = placed(owner, 48.8584, 2.2945);
            const auto versailles = placed(owner, 48.8049, 2.1204);  // ~14 km from the tower
            const auto london = placed(owner, 51.5007, -0.1246);     // ~340 km
            const auto eastOfDateline = placed(owner, -16.5, 179.95);
            const auto westOfDateline = placed(owner, -16.5, -179.95);  // ~10.7 km apart across the antimeridian
            for (const auto* a : {&nikon, &canonOther, &paris, &versailles, &london, &eastOfDateline, &westOfDateline})
                createAssetOk(*s, *a);

            auto q = queryFor(owner, 3);
            q.filter.make = "canon";
            CHECK(listAllIds(*s, q).size() == 8);
            q.filter.model = "eos r5";
            CHECK(listAllIds(*s, q) == canons);  // three pages of 3, 3, 1 in keyset order
            q.filter.lens = "RF24-105MM F4 L IS USM";
            CHECK(listAllIds(*s, q) == canons);
            q.filter.lens = "RF24";  // whole values only
            CHECK(listAllIds(*s, q).empty());
            q.filter.lens.reset();
            q.filter.q = "harbour";
            CHECK(listAllIds(*s, q) == std::vector<std::string>{canons[3]});
            q.filter = queryFor(owner).filter;
            q.filter.make = "nikon corporation";
            CHECK(listAllIds(*s, q) == std::vector<std::string>{nikon.id});

            const auto nearIds = [&](double lat, double lon, double km) {
                auto n = queryFor(owner, 2);
                n.filter.near = storage::AssetFilter::Near{lat, lon, km};
                auto ids = listAllIds(*s, n);
                return std::set<std::string>(ids.begin(), ids.end());
            };
            CHECK(nearIds(48.8584, 2.2945, 5) == std::set<std::string>{paris.id});
            CHECK(nearIds(48.8584, 2.2945, 20) == std::set<std::string>{paris.id, versailles.id});
            CHECK(nearIds(48.8584, 2.2945, 400) == std::set<std::string>{paris.id, versailles.id, london.id});
            CHECK(nearIds(-16.5, 179.95, 5) == std::set<std::string>{eastOfDateline.id});
            CHECK(nearIds(-16.5, 179.95, 15) == std::set<std::string>{eastOfDateline.id, westOfDateline.id});
            CHECK(nearIds(0, 0, 100).empty());
        });
    }
}

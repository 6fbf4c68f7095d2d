// The images repository's listings: keyset order, pagination stability, filters, timeline, tags.
#include <doctest/doctest.h>

#include <algorithm>
#include <set>

#include "backend_context.hpp"
#include "conformance_support.hpp"
#include "images_support.hpp"

using namespace obscura;
using namespace obscura::conformance;
using storage::AssetRecord;
using storage::ImagesRepository;

namespace {

constexpr std::int64_t kDayUs = 86400LL * 1000000;

void trash(storage::Storage& s, const AssetRecord& a) {
    auto done =
        withImages(s, [&](ImagesRepository& r) { return r.trashAsset(a.ownerId, a.id, "2024-05-01T00:00:00Z", 5); });
    REQUIRE(done.ok());
}

}  // namespace

TEST_SUITE("conformance.images.listing") {
    TEST_CASE("newest first by (takenAt, id), oldest first on asc; equal times ordered by id") {
        forEachBackend([](Backend& backend) {
            auto database = backend.newDatabase();
            auto storage = openMigrated(*database);
            const auto owner = createOwner(*storage, "order");
            std::vector<AssetRecord> assets;
            for (int i = 0; i < 9; ++i) {
                // Three assets share each time, so the id decides among them.
                assets.push_back(makeAsset(owner, kJuly2021Us + (i / 3) * kDayUs));
                createAssetOk(*storage, assets.back());
            }
            auto expected = assets;
            std::sort(expected.begin(), expected.end(), [](const AssetRecord& x, const AssetRecord& y) {
                return std::tie(x.takenAtUs, x.id) > std::tie(y.takenAtUs, y.id);
            });
            std::vector<std::string> newestFirst;
            for (const auto& a : expected) newestFirst.push_back(a.id);
            CHECK(listAllIds(*storage, queryFor(owner, 2)) == newestFirst);
            CHECK(pageIds(*storage, queryFor(owner, 100)) == newestFirst);

            auto asc = queryFor(owner, 4);
            asc.order = storage::SortOrder::Asc;
            std::vector<std::string> oldestFirst(newestFirst.rbegin(), newestFirst.rend());
            CHECK(listAllIds(*storage, asc) == oldestFirst);

            // hasMore is false on an exactly full last page.
            auto nine = queryFor(owner, 9);
            auto page = withImages(*storage, [&](ImagesRepository& r) { return r.listAssets(nine); });
            REQUIRE(page.ok());
            CHECK(page->items.size() == 9);
            CHECK_FALSE(page->hasMore);
        });
    }

    TEST_CASE("keyset pages stay stable while assets are inserted between pages: no duplicates, no gaps") {
        forEachBackend([](Backend& backend) {
            auto database = backend.newDatabase();
            auto storage = openMigrated(*database);
            const auto owner = createOwner(*storage, "stable");
            std::set<std::string> original;
            for (int i = 0; i < 60; ++i) {
                auto a = makeAsset(owner, kJuly2021Us + (i % 20) * kDayUs);
                createAssetOk(*storage, a);
                original.insert(a.id);
            }
            auto query = queryFor(owner, 7);
            std::vector<AssetRecord> seen;
            std::set<std::string> insertedBehind;  // inserted after the cursor, in listing order: must show
            for (int round = 0; round < 100; ++round) {
                auto page = withImages(*storage, [&](ImagesRepository& r) { return r.listAssets(query); });
                REQUIRE(page.ok());
                seen.insert(seen.end(), page->items.begin(), page->items.end());
                if (!page->hasMore) break;
                const auto& last = page->items.back();
                query.after = storage::AssetCursor{last.takenAtUs, last.id};
                // Newer than everything (already passed), at the cursor's own time, and older (still ahead).
                createAssetOk(*storage, makeAsset(owner, kJuly2021Us + 40 * kDayUs));
                createAssetOk(*storage, makeAsset(owner, last.takenAtUs));
                auto older = makeAsset(owner, kJuly2021Us - (round + 1) * kDayUs);
                createAssetOk(*storage, older);
                insertedBehind.insert(older.id);
            }
            std::set<std::string> unique;
            for (const auto& a : seen) CHECK_MESSAGE(unique.insert(a.id).second, "duplicate " << a.id);
            for (const auto& id : original) CHECK_MESSAGE(unique.count(id) == 1, "gap: " << id);
            for (const auto& id : insertedBehind) CHECK_MESSAGE(unique.count(id) == 1, "missed older " << id);
            for (std::size_t i = 1; i < seen.size(); ++i)
                CHECK(std::tie(seen[i - 1].takenAtUs, seen[i - 1].id) > std::tie(seen[i].takenAtUs, seen[i].id));
        });
    }

    TEST_CASE("filters: favourite, archived, trashed, type, from/to, tag; bad filters are Invalid") {
        forEachBackend([](Backend& backend) {
            auto database = backend.newDatabase();
            auto storage = openMigrated(*database);
            const auto owner = createOwner(*storage, "filters");
            auto plain = makeAsset(owner, kJuly2021Us);
            auto favorite = makeAsset(owner, kJuly2021Us + kDayUs);
            favorite.isFavorite = true;
            favorite.tags = {"Beach", "sun"};
            auto archived = makeAsset(owner, kJuly2021Us + 2 * kDayUs);
            archived.isArchived = true;
            archived.tags = {"beach"};
            auto video = makeAsset(owner, kJuly2021Us + 3 * kDayUs);
            video.type = "video";
            video.mimeType = "video/mp4";
            video.tags = {"BEACH"};
            auto trashed = makeAsset(owner, kJuly2021Us + 4 * kDayUs);
            trashed.tags = {"beach"};
            for (const auto* a : {&plain, &favorite, &archived, &video, &trashed}) createAssetOk(*storage, *a);
            trash(*storage, trashed);

            const auto ids = [&](const std::function<void(storage::AssetFilter&)>& set) {
                auto q = queryFor(owner);
                set(q.filter);
                auto list = pageIds(*storage, q);
                return std::set<std::string>(list.begin(), list.end());
            };
            using S = std::set<std::string>;
            CHECK(ids([](auto&) {}) == S{plain.id, favorite.id, video.id});
            CHECK(ids([](auto& f) { f.favorite = true; }) == S{favorite.id});
            CHECK(ids([](auto& f) { f.favorite = false; }) == S{plain.id, video.id});
            CHECK(ids([](auto& f) { f.archived = true; }) == S{archived.id});
            CHECK(ids([](auto& f) { f.archived.reset(); }) == S{plain.id, favorite.id, archived.id, video.id});
            CHECK(ids([](auto& f) {
                      f.trashed = true;
                      f.archived.reset();
                  }) == S{trashed.id});
            CHECK(ids([](auto& f) { f.type = "video"; }) == S{video.id});
            CHECK(ids([](auto& f) { f.type = "image"; }) == S{plain.id, favorite.id});
            // from is inclusive, to exclusive.
            CHECK(ids([](auto& f) {
                      f.fromUs = kJuly2021Us + kDayUs;
                      f.toUs = kJuly2021Us + 3 * kDayUs;
                  }) == S{favorite.id});
            CHECK(ids([](auto& f) { f.toUs = kJuly2021Us; }).empty());
            // Tags compare without ASCII case; archived and trashed still left out by default.
            CHECK(ids([](auto& f) { f.tag = "beach"; }) == S{favorite.id, video.id});
            CHECK(ids([](auto& f) {
                      f.tag = "BeAcH";
                      f.archived.reset();
                  }) == S{favorite.id, archived.id, video.id});
            CHECK(ids([](auto& f) {
                      f.tag = "beach";
                      f.favorite = true;
                  }) == S{favorite.id});
            CHECK(ids([](auto& f) { f.tag = "bea"; }).empty());

            // A tag listing paginates like any other.
            auto tagged = queryFor(owner, 1);
            tagged.filter.tag = "beach";
            tagged.filter.archived.reset();
            CHECK(listAllIds(*storage, tagged) == std::vector<std::string>{video.id, archived.id, favorite.id});

            // An album nobody has simply holds nothing (albums: images_albums_test.cpp).
            auto noAlbum = queryFor(owner);
            noAlbum.filter.albumId = "3f0c6f4e-0000-4000-8000-000000000000";
            CHECK(pageIds(*storage, noAlbum).empty());
            for (const auto& bad :
                 std::vector<std::function<void(storage::AssetFilter&)>>{[](auto& f) { f.type = "audio"; }}) {
                auto q = queryFor(owner);
                bad(q.filter);
                auto page = withImages(*storage, [&](ImagesRepository& r) { return r.listAssets(q); });
                REQUIRE_FALSE(page.ok());
                CHECK(page.error().code == ErrorCode::Invalid);
            }
        });
    }

    TEST_CASE("limits outside 1..500 are clamped") {
        forEachBackend([](Backend& backend) {
            auto database = backend.newDatabase();
            auto storage = openMigrated(*database);
            const auto owner = createOwner(*storage, "clamp");
            for (int i = 0; i < 3; ++i) createAssetOk(*storage, makeAsset(owner, kJuly2021Us + i));
            CHECK(pageIds(*storage, queryFor(owner, 0)).size() == 1);
            CHECK(pageIds(*storage, queryFor(owner, -5)).size() == 1);
            CHECK(pageIds(*storage, queryFor(owner, 100000)).size() == 3);
        });
    }

    TEST_CASE("timeline buckets by the month of takenAt in its own offset, newest first") {
        forEachBackend([](Backend& backend) {
            auto database = backend.newDatabase();
            auto storage = openMigrated(*database);
            const auto owner = createOwner(*storage, "timeline");
            // 1 August 01:00 in Tokyo is 31 July in UTC: the photo's own calendar says August.
            auto tokyo = makeAsset(owner, 1627747200LL * 1000000 - 8 * 3600LL * 1000000);
            tokyo.takenAt = "2021-08-01T01:00:00+09:00";
            auto july1 = makeAsset(owner, kJuly2021Us);
            auto july2 = makeAsset(owner, kJuly2021Us + kDayUs);
            auto old = makeAsset(owner, 1262304000LL * 1000000);  // 2010-01-01
            auto archived = makeAsset(owner, 1262304000LL * 1000000 + kDayUs);
            archived.isArchived = true;
            auto trashed = makeAsset(owner, kJuly2021Us + 2 * kDayUs);
            auto favorite = makeAsset(owner, kJuly2021Us + 3 * kDayUs);
            favorite.isFavorite = true;
            for (const auto* a : {&tokyo, &july1, &july2, &old, &archived, &trashed, &favorite})
                createAssetOk(*storage, *a);
            trash(*storage, trashed);
            storage::AssetFilter filter;
            filter.ownerId = owner;
            auto buckets = withImages(*storage, [&](ImagesRepository& r) { return r.timeline(filter); });
            REQUIRE_MESSAGE(buckets.ok(), buckets.error().message);
            REQUIRE(buckets->size() == 3);
            CHECK((*buckets)[0].month == "2021-08");
            CHECK((*buckets)[0].count == 1);
            CHECK((*buckets)[1].month == "2021-07");
            CHECK((*buckets)[1].count == 3);
            CHECK((*buckets)[2].month == "2010-01");
            CHECK((*buckets)[2].count == 1);

            filter.favorite = true;
            buckets = withImages(*storage, [&](ImagesRepository& r) { return r.timeline(filter); });
            REQUIRE(buckets.ok());
            REQUIRE(buckets->size() == 1);
            CHECK((*buckets)[0].count == 1);

            storage::AssetFilter other;
            other.ownerId = createOwner(*storage, "timeline_other");
            buckets = withImages(*storage, [&](ImagesRepository& r) { return r.timeline(other); });
            REQUIRE(buckets.ok());
            CHECK(buckets->empty());
        });
    }

    TEST_CASE("tags with counts of live assets, one entry per tag ignoring ASCII case") {
        forEachBackend([](Backend& backend) {
            auto database = backend.newDatabase();
            auto storage = openMigrated(*database);
            const auto owner = createOwner(*storage, "tags");
            auto a = makeAsset(owner);
            a.tags = {"beach", "family"};
            auto b = makeAsset(owner);
            b.tags = {"Beach"};
            auto c = makeAsset(owner);
            c.tags = {"beach", "gone"};
            auto d = makeAsset(owner);
            d.tags = {"Zebra"};
            d.isArchived = true;
            for (const auto* x : {&a, &b, &c, &d}) createAssetOk(*storage, *x);
            trash(*storage, c);
            auto tags = withImages(*storage, [&](ImagesRepository& r) { return r.tags(owner); });
            REQUIRE_MESSAGE(tags.ok(), tags.error().message);
            REQUIRE(tags->size() == 3);
            CHECK(((*tags)[0].tag == "beach" || (*tags)[0].tag == "Beach"));
            CHECK((*tags)[0].count == 2);
            CHECK((*tags)[1].tag == "family");
            CHECK((*tags)[1].count == 1);
            CHECK((*tags)[2].tag == "Zebra");  // archived assets keep their tags
            CHECK((*tags)[2].count == 1);
        });
    }
}

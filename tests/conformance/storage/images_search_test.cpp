// Search semantics every plugin must share (DESIGN.md "Assets": GET /api/search): whole words and word
// prefixes of title, description, tags, original filename and camera make/model; case- and
// accent-insensitive; every word must match; nothing in q is query syntax.
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

struct Library {
    std::string owner;
    AssetRecord park, cafe, camera, file, tagged, both;
};

Library makeLibrary(storage::Storage& storage) {
    Library lib;
    lib.owner = createOwner(storage, "search");
    lib.park = makeAsset(lib.owner);
    lib.park.title = "Sunset over Central Park";
    lib.cafe = makeAsset(lib.owner);
    lib.cafe.description = "Breakfast at the Café Müller, 2019";
    lib.camera = makeAsset(lib.owner);
    lib.camera.exif = R"({"make":"FUJIFILM","model":"X-T4","iso":200})";
    lib.file = makeAsset(lib.owner);
    lib.file.originalFileName = "IMG_20210704_birthday-party.JPG";
    lib.tagged = makeAsset(lib.owner);
    lib.tagged.tags = {"Grandma", "holiday 2021"};
    lib.both = makeAsset(lib.owner);
    lib.both.title = "Park bench";
    lib.both.tags = {"grandma"};
    for (auto* a : {&lib.park, &lib.cafe, &lib.camera, &lib.tagged, &lib.both}) a->originalFileName = "photo.heic";
    for (const auto* a : {&lib.park, &lib.cafe, &lib.camera, &lib.file, &lib.tagged, &lib.both})
        createAssetOk(storage, *a);
    return lib;
}

std::set<std::string> search(storage::Storage& storage, const std::string& owner, const std::string& q) {
    auto query = queryFor(owner);
    query.filter.q = q;
    auto page = withImages(storage, [&](ImagesRepository& r) { return r.listAssets(query); });
    REQUIRE_MESSAGE(page.ok(), "q=" << q << ": " << page.error().message);
    std::set<std::string> ids;
    for (const auto& a : page->items) ids.insert(a.id);
    return ids;
}

}  // namespace

TEST_SUITE("conformance.images.search") {
    TEST_CASE("whole words and word prefixes match, in every searchable field") {
        forEachBackend([](Backend& backend) {
            auto database = backend.newDatabase();
            auto storage = openMigrated(*database);
            const auto lib = makeLibrary(*storage);
            using S = std::set<std::string>;
            CHECK(search(*storage, lib.owner, "park") == S{lib.park.id, lib.both.id});       // title
            CHECK(search(*storage, lib.owner, "Sun") == S{lib.park.id});                     // prefix
            CHECK(search(*storage, lib.owner, "breakfast") == S{lib.cafe.id});               // description
            CHECK(search(*storage, lib.owner, "fujifilm") == S{lib.camera.id});              // make
            CHECK(search(*storage, lib.owner, "X-T4") == S{lib.camera.id});                  // model, split at '-'
            CHECK(search(*storage, lib.owner, "birthday") == S{lib.file.id});                // filename word
            CHECK(search(*storage, lib.owner, "IMG_20210704") == S{lib.file.id});            // split at '_'
            CHECK(search(*storage, lib.owner, "jpg") == S{lib.file.id});                     // extension
            CHECK(search(*storage, lib.owner, "grandma") == S{lib.tagged.id, lib.both.id});  // tags
            CHECK(search(*storage, lib.owner, "holiday") == S{lib.tagged.id});               // word inside a tag
        });
    }

    TEST_CASE("case and accents do not matter") {
        forEachBackend([](Backend& backend) {
            auto database = backend.newDatabase();
            auto storage = openMigrated(*database);
            const auto lib = makeLibrary(*storage);
            using S = std::set<std::string>;
            CHECK(search(*storage, lib.owner, "PARK") == S{lib.park.id, lib.both.id});
            CHECK(search(*storage, lib.owner, "cafe") == S{lib.cafe.id});
            CHECK(search(*storage, lib.owner, "CAFÉ") == S{lib.cafe.id});
            CHECK(search(*storage, lib.owner, "muller") == S{lib.cafe.id});
            CHECK(search(*storage, lib.owner, "Mül") == S{lib.cafe.id});
        });
    }

    TEST_CASE("no match in the middle or at the end of a word") {
        forEachBackend([](Backend& backend) {
            auto database = backend.newDatabase();
            auto storage = openMigrated(*database);
            const auto lib = makeLibrary(*storage);
            CHECK(search(*storage, lib.owner, "ark").empty());
            CHECK(search(*storage, lib.owner, "unset").empty());
            CHECK(search(*storage, lib.owner, "ma").empty());     // ends "grandma", starts nothing
            CHECK(search(*storage, lib.owner, "parks").empty());  // longer than the word
        });
    }

    TEST_CASE("several words must all match, in any field and any order") {
        forEachBackend([](Backend& backend) {
            auto database = backend.newDatabase();
            auto storage = openMigrated(*database);
            const auto lib = makeLibrary(*storage);
            using S = std::set<std::string>;
            CHECK(search(*storage, lib.owner, "park grandma") == S{lib.both.id});  // title + tag
            CHECK(search(*storage, lib.owner, "grandma PARK") == S{lib.both.id});
            CHECK(search(*storage, lib.owner, "central sunset") == S{lib.park.id});
            CHECK(search(*storage, lib.owner, "park nothing").empty());
        });
    }

    TEST_CASE("quotes, operators and punctuation in q are never query syntax") {
        forEachBackend([](Backend& backend) {
            auto database = backend.newDatabase();
            auto storage = openMigrated(*database);
            const auto lib = makeLibrary(*storage);
            using S = std::set<std::string>;
            // Each of these would be an FTS5 syntax error, or change the meaning, if passed through.
            CHECK(search(*storage, lib.owner, "\"park") == S{lib.park.id, lib.both.id});
            CHECK(search(*storage, lib.owner, "park\"") == S{lib.park.id, lib.both.id});
            CHECK(search(*storage, lib.owner, "park OR grandma") == S{});  // "or" is just a word here
            CHECK(search(*storage, lib.owner, "NOT park").empty());
            CHECK(search(*storage, lib.owner, "park*") == S{lib.park.id, lib.both.id});
            CHECK(search(*storage, lib.owner, "title:park") == S{});  // no column filters: "title" is a word
            CHECK(search(*storage, lib.owner, "(park)") == S{lib.park.id, lib.both.id});
            CHECK(search(*storage, lib.owner, "park^ NEAR(x) {a b} + -") == S{});
            CHECK(search(*storage, lib.owner, "  park , ; 'bench' ") == S{lib.both.id});
            CHECK(search(*storage, lib.owner, "park\xff\xfe") == S{lib.park.id, lib.both.id});  // invalid UTF-8
            CHECK(search(*storage, lib.owner, "\xe2\x80\x9cpark\xe2\x80\x9d") == S{lib.park.id, lib.both.id});
            // No word at all matches nothing.
            CHECK(search(*storage, lib.owner, "").empty());
            CHECK(search(*storage, lib.owner, "\"\" * ()").empty());
        });
    }

    TEST_CASE("search is scoped to the owner and honours the other filters; edits are searchable at once") {
        forEachBackend([](Backend& backend) {
            auto database = backend.newDatabase();
            auto storage = openMigrated(*database);
            const auto lib = makeLibrary(*storage);
            const auto stranger = createOwner(*storage, "search_other");
            auto theirs = makeAsset(stranger);
            theirs.title = "Park";
            createAssetOk(*storage, theirs);
            CHECK(search(*storage, stranger, "park") == std::set<std::string>{theirs.id});
            CHECK(search(*storage, lib.owner, "park").count(theirs.id) == 0);

            storage::AssetUpdate update;
            update.title = "Zoo visit";
            update.tags = std::vector<std::string>{"elephants"};
            update.updatedAt = "2024-06-01T00:00:00Z";
            auto updated = withImages(
                *storage, [&](ImagesRepository& r) { return r.updateAsset(lib.owner, lib.both.id, update); });
            REQUIRE(updated.ok());
            CHECK(search(*storage, lib.owner, "zoo") == std::set<std::string>{lib.both.id});
            CHECK(search(*storage, lib.owner, "eleph") == std::set<std::string>{lib.both.id});
            CHECK(search(*storage, lib.owner, "park") == std::set<std::string>{lib.park.id});

            auto trashed = withImages(*storage, [&](ImagesRepository& r) {
                return r.trashAsset(lib.owner, lib.park.id, "2024-05-01T00:00:00Z", 5);
            });
            REQUIRE(trashed.ok());
            CHECK(search(*storage, lib.owner, "park").empty());
            auto deleted =
                withImages(*storage, [&](ImagesRepository& r) { return r.deleteAsset(lib.owner, lib.park.id, true); });
            REQUIRE(deleted.ok());
            auto q = queryFor(lib.owner);
            q.filter.q = "sunset";
            q.filter.trashed = true;
            CHECK(pageIds(*storage, q).empty());

            auto tooMany = queryFor(lib.owner);
            tooMany.filter.q = "a b c d e f g h i j k l m n o p q";
            auto page = withImages(*storage, [&](ImagesRepository& r) { return r.listAssets(tooMany); });
            REQUIRE_FALSE(page.ok());
            CHECK(page.error().code == ErrorCode::Invalid);
        });
    }

    TEST_CASE("search results paginate like any listing") {
        forEachBackend([](Backend& backend) {
            auto database = backend.newDatabase();
            auto storage = openMigrated(*database);
            const auto owner = createOwner(*storage, "search_pages");
            std::vector<std::string> expected;
            for (int i = 0; i < 11; ++i) {
                auto a = makeAsset(owner, kJuly2021Us + i * 1000000LL);
                a.title = i % 2 == 0 ? "Mountain lake" : "City";
                createAssetOk(*storage, a);
                if (i % 2 == 0) expected.insert(expected.begin(), a.id);
            }
            auto q = queryFor(owner, 2);
            q.filter.q = "mount";
            CHECK(listAllIds(*storage, q) == expected);
        });
    }

    TEST_CASE("a word matching tens of thousands of assets pages exactly like a rare one") {
        // Plugins may plan common and rare words differently (SQLite does, above 20,000 matches): both must
        // answer the same rows in the same order.
        forEachBackend([](Backend& backend) {
            auto database = backend.newDatabase();
            auto storage = openMigrated(*database);
            const auto owner = createOwner(*storage, "search_common");
            constexpr int kCount = 20100;
            std::vector<AssetRecord> all;
            auto status = storage->transaction([&](storage::Repositories& repos) -> Status {
                for (int i = 0; i < kCount; ++i) {
                    auto a = makeAsset(owner, kJuly2021Us + (i % 997) * 1000000LL);
                    a.title = i % 1000 == 0 ? "Quokka sighting" : "Quokka";
                    OBSCURA_TRY_STATUS(repos.images().createAsset(a));
                    all.push_back(std::move(a));
                }
                return {};
            });
            REQUIRE_MESSAGE(status.ok(), status.error().message);
            std::sort(all.begin(), all.end(), [](const AssetRecord& x, const AssetRecord& y) {
                return std::tie(x.takenAtUs, x.id) > std::tie(y.takenAtUs, y.id);
            });
            const auto expectIds = [&](std::size_t from, std::size_t count, bool rareOnly) {
                std::vector<std::string> ids;
                std::size_t seen = 0;
                for (const auto& a : all) {
                    if (rareOnly && a.title == "Quokka") continue;
                    if (seen++ >= from && ids.size() < count) ids.push_back(a.id);
                }
                return ids;
            };
            auto common = queryFor(owner, 100);
            common.filter.q = "quokka";
            auto first = withImages(*storage, [&](ImagesRepository& r) { return r.listAssets(common); });
            REQUIRE_MESSAGE(first.ok(), first.error().message);
            std::vector<std::string> ids;
            for (const auto& a : first->items) ids.push_back(a.id);
            CHECK(ids == expectIds(0, 100, false));
            CHECK(first->hasMore);
            // Deep in the list, by cursor.
            const auto& deep = all[15000];
            common.after = storage::AssetCursor{deep.takenAtUs, deep.id};
            CHECK(pageIds(*storage, common) == expectIds(15001, 100, false));

            auto rare = queryFor(owner, 7);
            rare.filter.q = "quokka sigh";
            CHECK(listAllIds(*storage, rare) == expectIds(0, kCount, true));

            storage::AssetFilter timelineFilter;
            timelineFilter.ownerId = owner;
            timelineFilter.q = "quokka";
            auto buckets = withImages(*storage, [&](ImagesRepository& r) { return r.timeline(timelineFilter); });
            REQUIRE(buckets.ok());
            std::int64_t total = 0;
            for (const auto& b : *buckets) total += b.count;
            CHECK(total == kCount);
        });
    }
}

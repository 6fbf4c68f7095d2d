// A plugin may answer one search by different plans (sql_asset_listing.cpp): a page of a word most of the newest
// rows hold is tested row by row (Dialect::searchRowTest), any other through the search index. These cases pin
// that every plan gives the same rows in the same order, and that a row-by-row page that runs out of matches in its
// window still finds the ones further down.
#include <doctest/doctest.h>

#include <map>
#include <set>

#include "backend_context.hpp"
#include "conformance_support.hpp"
#include "images_support.hpp"

using namespace obscura;
using namespace obscura::conformance;
using storage::AssetRecord;
using storage::ImagesRepository;

namespace {

// The search cases of images_search_test.cpp, by role: a library of these six (every search word is common in it)
// and the same six under 300 newer fillers (every search word is rare among the newest rows).
std::map<std::string, AssetRecord> roles(const std::string& owner) {
    std::map<std::string, AssetRecord> r;
    for (const char* role : {"park", "cafe", "camera", "file", "tagged", "both"}) {
        r[role] = makeAsset(owner, kJuly2021Us);
        r[role].originalFileName = "photo.heic";
    }
    r["park"].title = "Sunset over Central Park";
    r["cafe"].description = "Breakfast at the Café Müller, 2019";
    r["camera"].exif = R"({"make":"FUJIFILM","model":"X-T4","iso":200})";
    r["file"].originalFileName = "IMG_20210704_birthday-party.JPG";
    r["tagged"].tags = {"Grandma", "holiday 2021"};
    r["both"].title = "Park bench";
    r["both"].tags = {"grandma"};
    return r;
}

std::set<std::string> searchRoles(storage::Storage& storage, const std::string& owner,
                                  const std::map<std::string, AssetRecord>& lib, const std::string& q) {
    auto query = queryFor(owner, 500);
    query.filter.q = q;
    auto page = withImages(storage, [&](ImagesRepository& r) { return r.listAssets(query); });
    REQUIRE_MESSAGE(page.ok(), "q=" << q << ": " << page.error().message);
    std::set<std::string> found;
    for (const auto& a : page->items) {
        for (const auto& [role, asset] : lib)
            if (asset.id == a.id) found.insert(role);
    }
    return found;
}

}  // namespace

TEST_SUITE("conformance.images.search") {
    TEST_CASE("a search answers the same rows whether its words are common or rare in the newest rows") {
        forEachBackend([](Backend& backend) {
            auto database = backend.newDatabase();
            auto storage = openMigrated(*database);
            const auto common = createOwner(*storage, "plans_common");
            const auto rare = createOwner(*storage, "plans_rare");
            const auto commonLib = roles(common);
            const auto rareLib = roles(rare);
            for (const auto* lib : {&commonLib, &rareLib})
                for (const auto& [role, asset] : *lib) createAssetOk(*storage, asset);
            auto status = storage->transaction([&](storage::Repositories& repos) -> Status {
                for (int i = 0; i < 300; ++i) {
                    auto filler = makeAsset(rare, kJuly2021Us + (i + 1) * 1000000LL);
                    filler.title = "Filler";
                    filler.originalFileName = "filler.heic";
                    OBSCURA_TRY_STATUS(repos.images().createAsset(filler));
                }
                return {};
            });
            REQUIRE_MESSAGE(status.ok(), status.error().message);
            for (const char* q : {"park",
                                  "Sun",
                                  "breakfast",
                                  "fujifilm",
                                  "X-T4",
                                  "birthday",
                                  "IMG_20210704",
                                  "jpg",
                                  "grandma",
                                  "holiday",
                                  "PARK",
                                  "cafe",
                                  "CAFÉ",
                                  "muller",
                                  "Mül",
                                  "ark",
                                  "unset",
                                  "ma",
                                  "parks",
                                  "park grandma",
                                  "grandma PARK",
                                  "central sunset",
                                  "park nothing",
                                  "\"park",
                                  "park OR grandma",
                                  "NOT park",
                                  "park*",
                                  "title:park",
                                  "  park , ; 'bench' ",
                                  "park\xff\xfe",
                                  "\xe2\x80\x9cpark\xe2\x80\x9d",
                                  "photo heic",
                                  "2019",
                                  "holiday 2021",
                                  "x t4",
                                  "\xe2\x82\xac park",
                                  "heic"}) {
                CHECK_MESSAGE(searchRoles(*storage, common, commonLib, q) == searchRoles(*storage, rare, rareLib, q),
                              "q=" << q);
            }
            CHECK(searchRoles(*storage, common, commonLib, "park") == std::set<std::string>{"both", "park"});
        });
    }

    TEST_CASE("a common word that turns rare further down still pages through every match") {
        forEachBackend([](Backend& backend) {
            auto database = backend.newDatabase();
            auto storage = openMigrated(*database);
            const auto owner = createOwner(*storage, "plans_thinning");
            // Newest first: 300 "alpha", 2,500 "beta", 40 "alpha" — the row-by-row window of a page after the
            // first 300 holds no match, so that page must come from the search index.
            std::vector<std::string> expected;
            auto status = storage->transaction([&](storage::Repositories& repos) -> Status {
                for (int i = 0; i < 2840; ++i) {
                    auto a = makeAsset(owner, kJuly2021Us - i * 1000000LL);
                    const bool alpha = i < 300 || i >= 2800;
                    a.title = alpha ? "Alpha" : "Beta";
                    if (alpha) expected.push_back(a.id);
                    OBSCURA_TRY_STATUS(repos.images().createAsset(a));
                }
                return {};
            });
            REQUIRE_MESSAGE(status.ok(), status.error().message);
            auto query = queryFor(owner, 100);
            query.filter.q = "alpha";
            CHECK(listAllIds(*storage, query) == expected);
            query.filter.q = "alp bet";
            CHECK(listAllIds(*storage, query).empty());
        });
    }
}

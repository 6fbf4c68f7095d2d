// ImagesRepository::visitAssets: the listing's pages streamed from the rows, against listAssets' records. Every
// listing case that goes through listAllIds/pageIds checks it too (images_support.cpp); this one makes sure each
// field shows a value that differs from the default somewhere (tags, escapes, nulls, trash, derivatives).
#include <doctest/doctest.h>

#include "backend_context.hpp"
#include "conformance_support.hpp"
#include "images_support.hpp"

using namespace obscura;
using namespace obscura::conformance;
using storage::AssetRecord;
using storage::ImagesRepository;

namespace {

storage::AssetPage listPage(storage::Storage& s, const storage::AssetQuery& query) {
    auto page = withImages(s, [&](ImagesRepository& r) { return r.listAssets(query); });
    REQUIRE_MESSAGE(page.ok(), page.error().message);
    return std::move(*page);
}

}  // namespace

TEST_SUITE("conformance.images.visit") {
    TEST_CASE("visitAssets hands out listAssets' items field by field, with the same hasMore") {
        forEachBackend([](Backend& backend) {
            auto database = backend.newDatabase();
            auto storage = openMigrated(*database);
            const auto owner = createOwner(*storage, "visit");
            auto plain = makeAsset(owner, kJuly2021Us);
            plain.width.reset();
            plain.height.reset();
            createAssetOk(*storage, plain);
            auto rich = makeAsset(owner, kJuly2021Us + 1000000);
            rich.type = "video";
            rich.mimeType = "video/mp4";
            rich.durationSeconds = 12.5;
            rich.title = "quote \" back \\ and é";
            rich.description = "two\nlines";
            rich.tags = {"beach", "ümlaut", "with \"quote\""};
            rich.isFavorite = true;
            rich.exif = R"({"make":"Canon","model":"EOS R5","iso":200,"latitude":48.85})";
            rich.thumbnail = {storage::kDerivativeReady, 3};
            rich.preview = {storage::kDerivativeFailed, 0};
            createAssetOk(*storage, rich);
            auto gone = makeAsset(owner, kJuly2021Us + 2000000);
            createAssetOk(*storage, gone);
            auto trashed = withImages(
                *storage, [&](ImagesRepository& r) { return r.trashAsset(owner, gone.id, "2024-05-01T00:00:00Z", 5); });
            REQUIRE(trashed.ok());

            auto all = queryFor(owner, 100);
            const auto page = listPage(*storage, all);
            CHECK(page.items.size() == 2);
            checkVisitsMatch(*storage, all, page);

            auto first = queryFor(owner, 1);  // a full page with another after it
            const auto firstPage = listPage(*storage, first);
            CHECK(firstPage.hasMore);
            checkVisitsMatch(*storage, first, firstPage);

            auto trash = queryFor(owner, 100);
            trash.filter.trashed = true;
            trash.filter.archived.reset();
            const auto trashPage = listPage(*storage, trash);
            REQUIRE(trashPage.items.size() == 1);
            CHECK(trashPage.items[0].trashedAt.has_value());
            checkVisitsMatch(*storage, trash, trashPage);

            auto search = queryFor(owner, 100);  // read as records first (the search plans), then visited
            search.filter.q = "beach";
            const auto found = listPage(*storage, search);
            CHECK(found.items.size() == 1);
            checkVisitsMatch(*storage, search, found);
        });
    }
}

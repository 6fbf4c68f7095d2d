#include "images_support.hpp"

#include <doctest/doctest.h>

#include "conformance_support.hpp"

namespace obscura::conformance {

std::string createOwner(storage::Storage& storage, const std::string& tag) {
    const auto user = makeUser(tag);
    auto created = createUser(storage, user);
    REQUIRE_MESSAGE(created.ok(), created.error().message);
    return user.id;
}

void createAssetOk(storage::Storage& storage, const storage::AssetRecord& asset) {
    auto created = withImages(storage, [&](storage::ImagesRepository& r) { return r.createAsset(asset); });
    REQUIRE_MESSAGE(created.ok(), created.error().message);
}

std::vector<std::string> listAllIds(storage::Storage& storage, storage::AssetQuery query) {
    std::vector<std::string> ids;
    for (int guard = 0; guard < 10000; ++guard) {
        auto page = withImages(storage, [&](storage::ImagesRepository& r) { return r.listAssets(query); });
        REQUIRE_MESSAGE(page.ok(), page.error().message);
        for (const auto& a : page->items) ids.push_back(a.id);
        if (!page->hasMore) return ids;
        REQUIRE_FALSE(page->items.empty());
        query.after = storage::AssetCursor{page->items.back().takenAtUs, page->items.back().id};
    }
    FAIL("listing did not end");
    return ids;
}

std::vector<std::string> pageIds(storage::Storage& storage, const storage::AssetQuery& query) {
    auto page = withImages(storage, [&](storage::ImagesRepository& r) { return r.listAssets(query); });
    REQUIRE_MESSAGE(page.ok(), page.error().message);
    std::vector<std::string> ids;
    for (const auto& a : page->items) ids.push_back(a.id);
    return ids;
}

storage::AssetQuery queryFor(const std::string& ownerId, int limit) {
    storage::AssetQuery query;
    query.filter.ownerId = ownerId;
    query.limit = limit;
    return query;
}

}  // namespace obscura::conformance

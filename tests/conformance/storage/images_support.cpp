#include "images_support.hpp"

#include <doctest/doctest.h>

#include <string_view>
#include <type_traits>

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

namespace {

// Every field of a view as one text, so two views compare with one CHECK that prints both.
std::string describe(const storage::AssetView& a) {
    std::string out;
    const auto add = [&](std::string_view field) {
        out += field;
        out += '|';
    };
    const auto addOptional = [&](const auto& field) {
        if (field) {
            out += "=";
            if constexpr (std::is_same_v<std::decay_t<decltype(*field)>, std::string_view>) {
                add(*field);
            } else {
                add(std::to_string(*field));
            }
        } else {
            add("(null)");
        }
    };
    add(a.id);
    add(a.ownerId);
    add(a.type);
    add(a.originalFileName);
    add(a.mimeType);
    add(std::to_string(a.sizeBytes));
    add(a.checksum);
    addOptional(a.width);
    addOptional(a.height);
    addOptional(a.durationSeconds);
    add(a.takenAt);
    add(std::to_string(a.takenAtUs));
    add(a.createdAt);
    add(a.title);
    add(a.description);
    for (const auto& tag : a.tags) add("tag " + tag);
    add(a.isFavorite ? "favorite" : "-");
    add(a.isArchived ? "archived" : "-");
    add(a.isTrashed ? "trashed" : "-");
    addOptional(a.trashedAt);
    add(a.exif);
    add(a.thumbnailState);
    add(std::to_string(a.thumbnailVersion));
    add(a.previewState);
    add(std::to_string(a.previewVersion));
    add(a.videoState);
    addOptional(a.livePhotoVideoId);
    return out;
}

}  // namespace

void checkVisitsMatch(storage::Storage& storage, const storage::AssetQuery& query, const storage::AssetPage& page) {
    std::vector<std::string> visited;
    auto hasMore = withImages(storage, [&](storage::ImagesRepository& r) {
        return r.visitAssets(query, [&](const storage::AssetView& asset) { visited.push_back(describe(asset)); });
    });
    REQUIRE_MESSAGE(hasMore.ok(), hasMore.error().message);
    CHECK(*hasMore == page.hasMore);
    std::vector<std::string> listed;
    for (const auto& asset : page.items) listed.push_back(describe(storage::viewOf(asset)));
    CHECK(visited == listed);
}

std::vector<std::string> listAllIds(storage::Storage& storage, storage::AssetQuery query) {
    std::vector<std::string> ids;
    for (int guard = 0; guard < 10000; ++guard) {
        auto page = withImages(storage, [&](storage::ImagesRepository& r) { return r.listAssets(query); });
        REQUIRE_MESSAGE(page.ok(), page.error().message);
        checkVisitsMatch(storage, query, *page);
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
    checkVisitsMatch(storage, query, *page);
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

#include "images_support.hpp"

#include <doctest/doctest.h>

#include <ctime>
#include <random>

#include "conformance_support.hpp"

namespace obscura::conformance {

std::string utcText(std::int64_t us) {
    const std::time_t seconds = static_cast<std::time_t>(us / 1000000);
    std::tm tm{};
    gmtime_r(&seconds, &tm);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return text;
}

std::string randomChecksum() {
    // Two UUIDs' hex digits are random enough and never collide in practice.
    std::string hex;
    for (const char c : newUuid() + newUuid())
        if (c != '-') hex += c;
    return hex.substr(0, 40);
}

storage::AssetRecord makeAsset(const std::string& ownerId, std::int64_t takenAtUs) {
    storage::AssetRecord a;
    a.id = newUuid();
    a.ownerId = ownerId;
    a.type = "image";
    a.originalFileName = "IMG_" + a.id.substr(0, 4) + ".jpg";
    a.mimeType = "image/jpeg";
    a.sizeBytes = 1000;
    a.checksum = randomChecksum();
    a.width = 4000;
    a.height = 3000;
    a.takenAt = utcText(takenAtUs);
    a.takenAtUs = takenAtUs;
    a.createdAt = "2024-05-01T12:00:00Z";
    a.createdAtUs = 1714564800LL * 1000000;
    a.updatedAt = a.createdAt;
    a.storagePath = "library/" + ownerId + "/2021/07/" + a.id + ".jpg";
    return a;
}

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

#pragma once
// Helpers for the images repository's conformance cases: valid assets with unique ids, checksums and paths,
// and one-call access to repos.images().
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "obscura/storage/storage.hpp"
#include "test_records.hpp"

namespace obscura::conformance {

// kJuly2021Us, utcText, randomChecksum, makeAsset: tests/support/test_records.hpp.
using test::kJuly2021Us;
using test::makeAsset;
using test::randomChecksum;
using test::utcText;

// Creates a user and answers its id (REQUIREs success).
std::string createOwner(storage::Storage& storage, const std::string& tag);

// Creates the asset (REQUIREs success).
void createAssetOk(storage::Storage& storage, const storage::AssetRecord& asset);

// Runs fn(repos.images()) through run() and hands back what it answered (or run()'s own error).
template <typename Fn>
auto withImages(storage::Storage& storage, Fn&& fn) -> decltype(fn(std::declval<storage::ImagesRepository&>())) {
    using Result = decltype(fn(std::declval<storage::ImagesRepository&>()));
    std::optional<Result> result;
    Status status = storage.run([&](storage::Repositories& repos) -> Status {
        result.emplace(fn(repos.images()));
        return {};
    });
    if (!status) return std::move(status).error();
    return std::move(*result);
}

// visitAssets hands out the very items of listAssets' page, every field, and the same hasMore (CHECKs): every
// listing case that goes through listAllIds or pageIds proves it on each backend.
void checkVisitsMatch(storage::Storage& storage, const storage::AssetQuery& query, const storage::AssetPage& page);

// Every page of a listing, following hasMore with the last item as the cursor; answers the ids in order.
// (listAllIds and pageIds check visitAssets against each page.)
std::vector<std::string> listAllIds(storage::Storage& storage, storage::AssetQuery query);

// The ids of one page (REQUIREs success).
std::vector<std::string> pageIds(storage::Storage& storage, const storage::AssetQuery& query);

// A query for one owner with the defaults (live, not archived, newest first).
storage::AssetQuery queryFor(const std::string& ownerId, int limit = 100);

}  // namespace obscura::conformance

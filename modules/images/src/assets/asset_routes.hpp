#pragma once
// The images module's metadata routes, one source file per endpoint group:
//   listing_routes.cpp   GET /api/assets
//   search_routes.cpp    GET /api/search
//   timeline_routes.cpp  GET /api/timeline, GET /api/tags
//   asset_routes.cpp     GET|PATCH|DELETE /api/assets/{id}
//   trash_routes.cpp     GET /api/trash, POST /api/trash/restore, POST /api/trash/empty
#include <vector>

#include "obscura/base/expected.hpp"
#include "obscura/kernel/route.hpp"
#include "obscura/storage/asset_records.hpp"

namespace obscura::storage {
class Storage;
}

namespace obscura::images {

class AccessService;
class AssetService;
class ListingCache;

// What the three listings (assets, search, trash) answer from: the storage and the rendered-page cache.
struct Listings {
    storage::Storage& storage;
    ListingCache& cache;
};

std::vector<Route> listingRoutes(Listings listings);
std::vector<Route> searchRoutes(Listings listings);
std::vector<Route> timelineRoutes(storage::Storage& storage);
std::vector<Route> assetRoutes(AssetService& assets, AccessService& access);
std::vector<Route> trashRoutes(Listings listings, AssetService& assets);

// One page in the listing shape {items, nextCursor}; shared by the asset, search and trash listings. Served
// from the cache when the caller's library has not changed since this request's page was rendered.
Expected<Response> answerListing(Listings listings, const Request& req, const storage::AssetQuery& query);

}  // namespace obscura::images

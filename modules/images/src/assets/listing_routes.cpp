// GET /api/assets: the caller's assets, newest first, keyset-paginated (DESIGN.md "Assets").
#include "albums/album_service.hpp"
#include "assets/asset_cursor.hpp"
#include "assets/asset_json.hpp"
#include "assets/asset_routes.hpp"
#include "assets/listing_cache.hpp"
#include "assets/listing_params.hpp"
#include "obscura/storage/storage.hpp"

namespace obscura::images {

namespace {

// The owner first: one user's pages never answer another's request. The raw query string, not the parsed
// one: two spellings of one query are two entries, which costs memory only.
std::string cacheKey(const Request& req, const storage::AssetQuery& query) {
    std::string key;
    key.reserve(query.filter.ownerId.size() + req.path.size() + req.query.size() + 2);
    key.append(query.filter.ownerId).append(1, '\n').append(req.path).append(1, '?').append(req.query);
    return key;
}

}  // namespace

Expected<Response> answerListing(Listings listings, const Request& req, const storage::AssetQuery& query) {
    // Another user's album, like a missing one, is 404 rather than an empty page.
    if (query.filter.albumId)
        OBSCURA_TRY_STATUS(ownedAlbum(listings.storage, query.filter.ownerId, *query.filter.albumId));
    const std::string key = cacheKey(req, query);
    std::shared_ptr<const std::string> cached;
    storage::AssetPage page;
    std::int64_t version = 0;
    OBSCURA_TRY_STATUS(listings.storage.run([&](storage::Repositories& repos) -> Status {
        // The version before the page: a write landing in between makes the page newer than its version,
        // which only costs the next request a miss; the other order could keep a stale page.
        if (listings.cache.enabled()) {
            OBSCURA_TRY(current, repos.images().libraryVersion(query.filter.ownerId));
            version = current;
            cached = listings.cache.find(key, version);
            if (cached) return {};
        }
        auto found = repos.images().listAssets(query);
        if (!found) {
            // The parameters were checked already; what the plugin still refuses is the request's fault.
            if (found.error().code == ErrorCode::Invalid) return badRequest(found.error().message);
            return std::move(found).error();
        }
        page = std::move(*found);
        return {};
    }));
    if (cached) return Response::json(200, std::move(cached));
    std::string next;
    if (page.hasMore && !page.items.empty())
        next = encodeCursor({page.items.back().takenAtUs, page.items.back().id});
    auto body = std::make_shared<const std::string>(assetPageJson(page, next));
    listings.cache.store(key, version, body);
    return Response::json(200, std::move(body));
}

std::vector<Route> listingRoutes(Listings listings) {
    Route route;
    route.method = Method::Get;
    route.pattern = "/api/assets";
    route.auth = AuthPolicy::User;
    route.module = "images";
    route.summary = "The caller's assets, newest first: limit, cursor, order, from, to, tag, albumId, favorite, "
                    "archived, type, q";
    route.handler = [listings](Request& req) -> Expected<Response> {
        OBSCURA_TRY(query, parseListing(req, req.principal->userId, Listing::Assets));
        return answerListing(listings, req, query);
    };
    return {route};
}

}  // namespace obscura::images

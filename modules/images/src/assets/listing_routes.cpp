// GET /api/assets: the caller's assets, newest first, keyset-paginated (DESIGN.md "Assets").
#include "albums/album_service.hpp"
#include "assets/asset_cursor.hpp"
#include "assets/asset_json.hpp"
#include "assets/asset_routes.hpp"
#include "assets/listing_cache.hpp"
#include "assets/listing_params.hpp"
#include "obscura/kernel/storage_calls.hpp"
#include "obscura/storage/storage.hpp"

namespace obscura::images {

Expected<Response> answerListing(Listings listings, const Request& req, storage::AssetQuery query, bool withPartners) {
    // Another user's album, like a missing one, is 404 rather than an empty page.
    if (query.filter.albumId)
        OBSCURA_TRY_STATUS(ownedAlbum(listings.storage, query.filter.ownerId, *query.filter.albumId));
    // A page from the cache, or the page read and written out now (straight from the rows) with the version it was
    // read at.
    struct Found {
        std::shared_ptr<const std::string> cached;
        std::string body;
        std::int64_t version = 0;
        std::string key;
    };
    auto read = [&](storage::Repositories& repos) -> Expected<Found> {
        Found out;
        // The versions before the page: a write landing in between makes the page newer than its version, which
        // only costs the next request a miss; the other order could keep a stale page. With partners, the version
        // is the sum of every merged library's: each only grows, so the sum moves with any of them (the set
        // itself is in the key).
        query.filter.partnerIds.clear();
        if (withPartners) {
            OBSCURA_TRY(libraries, repos.partners().timelineLibraries(query.filter.ownerId));
            for (const auto& library : libraries) {
                query.filter.partnerIds.push_back(library.ownerId);
                out.version += library.version;
            }
        }
        if (listings.cache.enabled()) {
            OBSCURA_TRY(current, repos.images().libraryVersion(query.filter.ownerId));
            out.version += current;
            out.key = ListingCache::key(query.filter.ownerId, query.filter.partnerIds, req.path, req.query);
            out.cached = listings.cache.find(out.key, out.version);
            if (out.cached) return out;
        }
        AssetPageWriter writer(static_cast<std::size_t>(query.limit));
        storage::AssetCursor last;
        auto hasMore = repos.images().visitAssets(query, [&](const storage::AssetView& asset) {
            writer.add(asset);
            last.takenAtUs = asset.takenAtUs;
            last.id.assign(asset.id);
        });
        if (!hasMore) {
            // The parameters were checked already; what the plugin still refuses is the request's fault.
            if (hasMore.error().code == ErrorCode::Invalid) return badRequest(hasMore.error().message);
            return std::move(hasMore).error();
        }
        out.body = writer.finish(*hasMore && !last.id.empty() ? encodeCursor(last) : std::string());
        return out;
    };
    OBSCURA_TRY(found, withRepos(listings.storage, read));
    if (found.cached) return Response::json(200, std::move(found.cached));
    auto body = std::make_shared<const std::string>(std::move(found.body));
    if (listings.cache.enabled()) listings.cache.store(found.key, found.version, body);
    return Response::json(200, std::move(body));
}

std::vector<Route> listingRoutes(Listings listings) {
    return {Route{.method = Method::Get,
                  .pattern = "/api/assets",
                  .module = "images",
                  .summary = "The caller's assets, newest first: limit, cursor, order, from, to, tag, albumId, "
                             "favorite, archived, type, q, withPartners",
                  .compute = true,
                  .handler = [listings](Request& req) -> Expected<Response> {
                      OBSCURA_TRY(query, parseListing(req, req.principal->userId, Listing::Assets));
                      OBSCURA_TRY(withPartners, parseWithPartners(req, query));
                      return answerListing(listings, req, std::move(query), withPartners);
                  }}};
}

}  // namespace obscura::images

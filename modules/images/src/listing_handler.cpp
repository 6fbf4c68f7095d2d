// GET /api/assets: the caller's assets, newest first, keyset-paginated (DESIGN.md "Assets").
#include "album_routes.hpp"
#include "asset_cursor.hpp"
#include "asset_json.hpp"
#include "asset_routes.hpp"
#include "listing_params.hpp"
#include "obscura/storage/storage.hpp"

namespace obscura::images {

Expected<Response> answerListing(storage::Storage& storage, const storage::AssetQuery& query) {
    // Another user's album, like a missing one, is 404 rather than an empty page.
    if (query.filter.albumId) OBSCURA_TRY_STATUS(ownedAlbum(storage, query.filter.ownerId, *query.filter.albumId));
    storage::AssetPage page;
    OBSCURA_TRY_STATUS(storage.run([&](storage::Repositories& repos) -> Status {
        auto found = repos.images().listAssets(query);
        if (!found) {
            // The parameters were checked already; what the plugin still refuses is the request's fault.
            if (found.error().code == ErrorCode::Invalid) return badRequest(found.error().message);
            return std::move(found).error();
        }
        page = std::move(*found);
        return {};
    }));
    std::string next;
    if (page.hasMore && !page.items.empty())
        next = encodeCursor({page.items.back().takenAtUs, page.items.back().id});
    return Response::json(200, assetPageJson(page, next));
}

std::vector<Route> listingRoutes(storage::Storage& storage) {
    Route route;
    route.method = Method::Get;
    route.pattern = "/api/assets";
    route.auth = AuthPolicy::User;
    route.module = "images";
    route.summary = "The caller's assets, newest first: limit, cursor, order, from, to, tag, albumId, favorite, "
                    "archived, type, q";
    route.handler = [&storage](Request& req) -> Expected<Response> {
        OBSCURA_TRY(query, parseListing(req, req.principal->userId, Listing::Assets));
        return answerListing(storage, query);
    };
    return {route};
}

}  // namespace obscura::images

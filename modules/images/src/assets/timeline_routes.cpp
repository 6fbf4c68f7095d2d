// GET /api/timeline (months with counts) and GET /api/tags (tags with counts).
#include <nlohmann/json.hpp>

#include "albums/album_service.hpp"
#include "assets/asset_routes.hpp"
#include "assets/listing_params.hpp"
#include "obscura/storage/storage.hpp"

namespace obscura::images {

namespace {

Route timelineRoute(storage::Storage& storage) {
    Route route;
    route.method = Method::Get;
    route.pattern = "/api/timeline";
    route.auth = AuthPolicy::User;
    route.module = "images";
    route.summary = "Months (of each photo's own local date) with the number of assets; the listing's filters apply";
    route.handler = [&storage](Request& req) -> Expected<Response> {
        OBSCURA_TRY(query, parseListing(req, req.principal->userId, Listing::Timeline));
        if (query.filter.albumId) OBSCURA_TRY_STATUS(ownedAlbum(storage, query.filter.ownerId, *query.filter.albumId));
        std::vector<storage::TimelineBucket> buckets;
        OBSCURA_TRY_STATUS(storage.run([&](storage::Repositories& repos) -> Status {
            auto found = repos.images().timeline(query.filter);
            if (!found) {
                if (found.error().code == ErrorCode::Invalid) return badRequest(found.error().message);
                return std::move(found).error();
            }
            buckets = std::move(*found);
            return {};
        }));
        nlohmann::json list = nlohmann::json::array();
        for (const auto& b : buckets) list.push_back({{"month", b.month}, {"count", b.count}});
        return Response::json(200, nlohmann::json({{"buckets", std::move(list)}}).dump());
    };
    return route;
}

Route tagsRoute(storage::Storage& storage) {
    Route route;
    route.method = Method::Get;
    route.pattern = "/api/tags";
    route.auth = AuthPolicy::User;
    route.module = "images";
    route.summary = "The caller's tags with the number of assets (not in the trash) carrying each";
    route.handler = [&storage](Request& req) -> Expected<Response> {
        std::vector<storage::TagCount> tags;
        OBSCURA_TRY_STATUS(storage.run([&](storage::Repositories& repos) -> Status {
            OBSCURA_TRY(found, repos.images().tags(req.principal->userId));
            tags = std::move(found);
            return {};
        }));
        nlohmann::json list = nlohmann::json::array();
        for (const auto& t : tags) list.push_back({{"tag", t.tag}, {"count", t.count}});
        return Response::json(200, list.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    };
    return route;
}

}  // namespace

std::vector<Route> timelineRoutes(storage::Storage& storage) { return {timelineRoute(storage), tagsRoute(storage)}; }

}  // namespace obscura::images

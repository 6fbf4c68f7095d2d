// GET /api/timeline (months with counts) and GET /api/tags (tags with counts).
#include <nlohmann/json.hpp>

#include "albums/album_service.hpp"
#include "assets/asset_routes.hpp"
#include "assets/listing_params.hpp"
#include "obscura/kernel/storage_calls.hpp"
#include "obscura/storage/storage.hpp"

namespace obscura::images {

namespace {

Route timelineRoute(storage::Storage& storage) {
    return Route{
        .method = Method::Get,
        .pattern = "/api/timeline",
        .module = "images",
        .summary = "Months (of each photo's own local date) with the number of assets; the listing's filters apply",
        .compute = true,
        .handler = [&storage](Request& req) -> Expected<Response> {
            OBSCURA_TRY(query, parseListing(req, req.principal->userId, Listing::Timeline));
            if (query.filter.albumId)
                OBSCURA_TRY_STATUS(ownedAlbum(storage, query.filter.ownerId, *query.filter.albumId));
            OBSCURA_TRY(withPartners, parseWithPartners(req, query));
            auto buckets =
                withRepos(storage, [&](storage::Repositories& repos) -> Expected<std::vector<storage::TimelineBucket>> {
                    if (withPartners) {
                        OBSCURA_TRY(libraries, repos.partners().timelineLibraries(query.filter.ownerId));
                        query.filter.partnerIds.clear();
                        for (const auto& library : libraries) query.filter.partnerIds.push_back(library.ownerId);
                    }
                    return repos.images().timeline(query.filter);
                });
            if (!buckets) {
                // The parameters were checked already; what the plugin still refuses is the request's fault.
                if (buckets.error().code == ErrorCode::Invalid) return badRequest(buckets.error().message);
                return std::move(buckets).error();
            }
            nlohmann::json list = nlohmann::json::array();
            for (const auto& b : *buckets) list.push_back({{"month", b.month}, {"count", b.count}});
            return Response::json(200, nlohmann::json({{"buckets", std::move(list)}}).dump());
        }};
}

Route tagsRoute(storage::Storage& storage) {
    return Route{.method = Method::Get,
                 .pattern = "/api/tags",
                 .module = "images",
                 .summary = "The caller's tags with the number of assets (not in the trash) carrying each",
                 .handler = [&storage](Request& req) -> Expected<Response> {
                     OBSCURA_TRY(tags, withRepos(storage, [&](storage::Repositories& repos) {
                                     return repos.images().tags(req.principal->userId);
                                 }));
                     nlohmann::json list = nlohmann::json::array();
                     for (const auto& t : tags) list.push_back({{"tag", t.tag}, {"count", t.count}});
                     return Response::json(200, list.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
                 }};
}

}  // namespace

std::vector<Route> timelineRoutes(storage::Storage& storage) { return {timelineRoute(storage), tagsRoute(storage)}; }

}  // namespace obscura::images

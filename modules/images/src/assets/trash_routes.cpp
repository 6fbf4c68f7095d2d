// GET /api/trash, POST /api/trash/restore {ids?}, POST /api/trash/empty. Assets leave the trash for good
// through AssetService (row deleted and file job enqueued in one transaction).
#include <nlohmann/json.hpp>

#include "assets/asset_routes.hpp"
#include "assets/asset_service.hpp"
#include "assets/listing_params.hpp"
#include "obscura/base/ids.hpp"
#include "obscura/kernel/json_body.hpp"

namespace obscura::images {

namespace {

constexpr std::size_t kMaxRestoreIds = 1000;

Response countResponse(std::int64_t count) { return Response::json(200, nlohmann::json({{"count", count}}).dump()); }

// nullopt: no ids given (everything; a blank body reads as {}). A present ids array is taken literally, so []
// restores nothing.
Expected<std::optional<std::vector<std::string>>> restoreIds(const Request& req) {
    OBSCURA_TRY(body, JsonBody::parse(req));
    OBSCURA_TRY(ids, body.optionalStrings("ids"));
    if (!ids) return ids;
    if (ids->size() > kMaxRestoreIds) return invalid("at most " + std::to_string(kMaxRestoreIds) + " ids at once");
    for (const auto& id : *ids)
        if (!isUuid(id)) return invalid("'" + id + "' is not an asset id");
    return ids;
}

Route listRoute(Listings listings) {
    return Route{
        .method = Method::Get,
        .pattern = "/api/trash",
        .module = "images",
        .summary = "The caller's trashed assets in the listing shape (limit, cursor, order and the filters apply)",
        .handler = [listings](Request& req) -> Expected<Response> {
            OBSCURA_TRY(query, parseListing(req, req.principal->userId, Listing::Trash));
            return answerListing(listings, req, query);
        }};
}

Route restoreRoute(AssetService& assets) {
    return Route{
        .method = Method::Post,
        .pattern = "/api/trash/restore",
        .module = "images",
        .summary = "Take assets out of the trash: the given ids, or everything when ids is absent; answers {count}",
        .body = BodyKind::Buffered,
        .maxBodyBytes = 128 * 1024,
        .handler = [&assets](Request& req) -> Expected<Response> {
            OBSCURA_TRY(ids, restoreIds(req));
            if (ids && ids->empty()) return countResponse(0);
            OBSCURA_TRY(count, assets.restore(req.principal->userId, ids.value_or(std::vector<std::string>{})));
            return countResponse(count);
        }};
}

Route emptyRoute(AssetService& assets) {
    return Route{.method = Method::Post,
                 .pattern = "/api/trash/empty",
                 .module = "images",
                 .summary = "Delete everything in the caller's trash for good; answers {count}",
                 .handler = [&assets](Request& req) -> Expected<Response> {
                     OBSCURA_TRY(count, assets.emptyTrash(req.principal->userId));
                     return countResponse(count);
                 }};
}

}  // namespace

std::vector<Route> trashRoutes(Listings listings, AssetService& assets) {
    return {listRoute(listings), restoreRoute(assets), emptyRoute(assets)};
}

}  // namespace obscura::images

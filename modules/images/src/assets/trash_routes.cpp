// GET /api/trash, POST /api/trash/restore {ids?}, POST /api/trash/empty. Assets leave the trash for good
// through AssetService (row deleted and file job enqueued in one transaction).
#include <nlohmann/json.hpp>

#include "assets/asset_routes.hpp"
#include "assets/asset_service.hpp"
#include "assets/listing_params.hpp"
#include "obscura/base/ids.hpp"

namespace obscura::images {

namespace {

constexpr std::size_t kMaxRestoreIds = 1000;

Response countResponse(std::int64_t count) { return Response::json(200, nlohmann::json({{"count", count}}).dump()); }

// nullopt: no ids given (everything). A present ids array is taken literally, so [] restores nothing.
Expected<std::optional<std::vector<std::string>>> restoreIds(const std::string& text) {
    if (text.find_first_not_of(" \t\r\n") == std::string::npos) return std::optional<std::vector<std::string>>();
    const auto body = nlohmann::json::parse(text, nullptr, false);
    if (body.is_discarded() || !body.is_object()) return badRequest("body must be a JSON object");
    if (!body.contains("ids")) return std::optional<std::vector<std::string>>();
    const auto& ids = body["ids"];
    if (!ids.is_array()) return badRequest("ids must be an array of asset ids");
    if (ids.size() > kMaxRestoreIds) return invalid("at most " + std::to_string(kMaxRestoreIds) + " ids at once");
    std::vector<std::string> result;
    for (const auto& id : ids) {
        if (!id.is_string()) return badRequest("ids must be an array of asset ids");
        if (!isUuid(id.get<std::string>())) return invalid("'" + id.get<std::string>() + "' is not an asset id");
        result.push_back(id.get<std::string>());
    }
    return std::optional<std::vector<std::string>>(std::move(result));
}

Route listRoute(Listings listings) {
    Route route;
    route.method = Method::Get;
    route.pattern = "/api/trash";
    route.auth = AuthPolicy::User;
    route.module = "images";
    route.summary = "The caller's trashed assets in the listing shape (limit, cursor, order and the filters apply)";
    route.handler = [listings](Request& req) -> Expected<Response> {
        OBSCURA_TRY(query, parseListing(req, req.principal->userId, Listing::Trash));
        return answerListing(listings, req, query);
    };
    return route;
}

Route restoreRoute(AssetService& assets) {
    Route route;
    route.method = Method::Post;
    route.pattern = "/api/trash/restore";
    route.auth = AuthPolicy::User;
    route.module = "images";
    route.body = BodyKind::Buffered;
    route.maxBodyBytes = 128 * 1024;
    route.summary = "Take assets out of the trash: the given ids, or everything when ids is absent; answers {count}";
    route.handler = [&assets](Request& req) -> Expected<Response> {
        OBSCURA_TRY(ids, restoreIds(req.body));
        if (ids && ids->empty()) return countResponse(0);
        OBSCURA_TRY(count, assets.restore(req.principal->userId, ids.value_or(std::vector<std::string>{})));
        return countResponse(count);
    };
    return route;
}

Route emptyRoute(AssetService& assets) {
    Route route;
    route.method = Method::Post;
    route.pattern = "/api/trash/empty";
    route.auth = AuthPolicy::User;
    route.module = "images";
    route.summary = "Delete everything in the caller's trash for good; answers {count}";
    route.handler = [&assets](Request& req) -> Expected<Response> {
        OBSCURA_TRY(count, assets.emptyTrash(req.principal->userId));
        return countResponse(count);
    };
    return route;
}

}  // namespace

std::vector<Route> trashRoutes(Listings listings, AssetService& assets) {
    return {listRoute(listings), restoreRoute(assets), emptyRoute(assets)};
}

}  // namespace obscura::images

// PUT|DELETE /api/albums/{id}/assets {ids} → [{id, success, error?}] (Immich). Only the caller's own assets
// can be added: an id of another user's asset answers not_found exactly like an id that names nothing, so a
// body mixing users' ids never touches (or reveals) the other user's objects. The same id twice in one call
// is fine: the second answers duplicate (add) or not_found (remove). Rules and transactions: album_service.hpp.
#include <nlohmann/json.hpp>

#include "albums/album_routes.hpp"
#include "albums/album_service.hpp"

namespace obscura::images {

namespace {

Expected<Response> changeAssets(AlbumService& albums, Request& req, bool add) {
    OBSCURA_TRY(album, albums.owned(req.principal->userId, std::string(req.param("id"))));
    OBSCURA_TRY(body, JsonBody::parse(req));
    OBSCURA_TRY(ids, bulkIds(body, "ids"));
    OBSCURA_TRY(outcomes, add ? albums.addAssets(album, ids) : albums.removeAssets(album, ids));
    auto results = nlohmann::json::array();
    for (const auto& outcome : outcomes) {
        nlohmann::json item = {{"id", outcome.id}};
        item["success"] = outcome.error == nullptr;
        if (outcome.error) item["error"] = outcome.error;
        results.push_back(std::move(item));
    }
    return Response::json(200, results.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

}  // namespace

std::vector<Route> albumAssetRoutes(AlbumService& albums) {
    return {Route{.method = Method::Put,
                  .pattern = "/api/albums/{id}/assets",
                  .module = "images",
                  .summary = "Add the caller's assets {ids} → [{id, success, error?}] (Immich)",
                  .body = BodyKind::Buffered,
                  .handler = [&albums](Request& req) { return changeAssets(albums, req, true); }},
            Route{.method = Method::Delete,
                  .pattern = "/api/albums/{id}/assets",
                  .module = "images",
                  .summary = "Remove assets {ids} from the album → [{id, success, error?}] (Immich)",
                  .body = BodyKind::Buffered,
                  .handler = [&albums](Request& req) { return changeAssets(albums, req, false); }}};
}

}  // namespace obscura::images

// PUT|DELETE /api/albums/{id}/assets {ids} → [{id, success, error?}] (Immich). The album must be visible to the
// caller (404) and the caller at least an editor (a viewer is 403, nothing changed). Only the caller's own assets
// can be added: an id of another user's asset answers not_found exactly like an id that names nothing, so a
// body mixing users' ids never touches (or reveals) the other user's objects. The owner removes any asset, an
// editor only their own. The same id twice in one call is fine: the second answers duplicate (add) or not_found
// (remove). Rules and transactions: album_service.hpp.
#include <nlohmann/json.hpp>

#include "access/access_service.hpp"
#include "albums/album_routes.hpp"
#include "albums/album_service.hpp"

namespace obscura::images {

namespace {

Expected<Response> changeAssets(const AlbumRouteDeps& deps, Request& req, bool add) {
    const auto& caller = req.principal->userId;
    OBSCURA_TRY(grant, deps.access.visibleAlbum(caller, std::string(req.param("id"))));
    OBSCURA_TRY_STATUS(requireEditor(grant));
    OBSCURA_TRY(body, JsonBody::parse(req));
    OBSCURA_TRY(ids, bulkIds(body, "ids"));
    OBSCURA_TRY(outcomes, deps.albums.changeAssetsAs(grant, caller, ids, add));
    auto results = nlohmann::json::array();
    for (const auto& outcome : outcomes) {
        nlohmann::json item = {{"id", outcome.id}};
        item["success"] = outcome.error == nullptr;
        if (outcome.error) item["error"] = outcome.error;
        results.push_back(std::move(item));
    }
    return Response::json(200, dumped(results));
}

}  // namespace

std::vector<Route> albumAssetRoutes(const AlbumRouteDeps& deps) {
    return {Route{.method = Method::Put,
                  .pattern = "/api/albums/{id}/assets",
                  .module = "images",
                  .summary = "Add the caller's assets {ids} → [{id, success, error?}] (Immich; owner or editor)",
                  .body = BodyKind::Buffered,
                  .handler = [deps](Request& req) { return changeAssets(deps, req, true); }},
            Route{.method = Method::Delete,
                  .pattern = "/api/albums/{id}/assets",
                  .module = "images",
                  .summary = "Remove assets {ids} from the album → [{id, success, error?}] (Immich; the owner any,"
                             " an editor their own)",
                  .body = BodyKind::Buffered,
                  .handler = [deps](Request& req) { return changeAssets(deps, req, false); }}};
}

}  // namespace obscura::images

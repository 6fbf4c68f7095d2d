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
    OBSCURA_TRY(body, jsonObjectBody(req));
    OBSCURA_TRY(ids, idsField(body, "ids"));
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

Route route(Method method, std::string summary, bool add, AlbumService& albums) {
    Route r;
    r.method = method;
    r.pattern = "/api/albums/{id}/assets";
    r.auth = AuthPolicy::User;
    r.module = "images";
    r.summary = std::move(summary);
    r.body = BodyKind::Buffered;
    r.handler = [&albums, add](Request& req) { return changeAssets(albums, req, add); };
    return r;
}

}  // namespace

std::vector<Route> albumAssetRoutes(AlbumService& albums) {
    return {
        route(Method::Put, "Add the caller's assets {ids} → [{id, success, error?}] (Immich)", true, albums),
        route(Method::Delete, "Remove assets {ids} from the album → [{id, success, error?}] (Immich)", false, albums)};
}

}  // namespace obscura::images

// GET|POST /api/albums and GET|PATCH|DELETE /api/albums/{id} (Immich's shapes). Another user's album is 404
// on every method, decided before the body is looked at. Rules and transactions: album_service.hpp.
#include "albums/album_routes.hpp"

#include <nlohmann/json.hpp>

#include "albums/album_json.hpp"
#include "albums/album_service.hpp"
#include "assets/asset_json.hpp"

namespace obscura::images {

namespace {

Route route(Method method, std::string pattern, std::string summary, Handler handler, BodyKind body = BodyKind::None) {
    Route r;
    r.method = method;
    r.pattern = std::move(pattern);
    r.auth = AuthPolicy::User;
    r.module = "images";
    r.summary = std::move(summary);
    r.handler = std::move(handler);
    r.body = body;
    return r;
}

Expected<std::optional<std::string>> textField(const nlohmann::json& body, const char* key) {
    if (!body.contains(key)) return std::optional<std::string>();
    if (!body[key].is_string()) return badRequest(std::string(key) + " must be a string");
    return std::optional<std::string>(body[key].get<std::string>());
}

nlohmann::json withAssets(const storage::AlbumView& album, const std::vector<storage::AssetRecord>& assets) {
    auto body = albumJson(album);
    body["assets"] = nlohmann::json::array();
    for (const auto& asset : assets) body["assets"].push_back(assetJson(asset));
    return body;
}

std::string dumped(const nlohmann::json& body) {
    return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// {albumName, description?, assetIds?}; each field's rule is checked as it is read, so the first bad field
// decides the answer.
Expected<NewAlbum> readNewAlbum(const Request& req) {
    OBSCURA_TRY(body, jsonObjectBody(req));
    OBSCURA_TRY(name, textField(body, "albumName"));
    if (!name) return badRequest("albumName is required");
    OBSCURA_TRY_STATUS(AlbumService::checkName(*name));
    OBSCURA_TRY(description, textField(body, "description"));
    if (description) OBSCURA_TRY_STATUS(AlbumService::checkDescription(*description));
    NewAlbum album{std::move(*name), description.value_or(""), {}};
    if (body.contains("assetIds")) {
        OBSCURA_TRY(ids, idsField(body, "assetIds"));
        album.assetIds = std::move(ids);
    }
    return album;
}

// {albumName?, description?, albumThumbnailAssetId?: id | null}
Expected<storage::AlbumUpdate> readAlbumUpdate(const Request& req) {
    OBSCURA_TRY(body, jsonObjectBody(req));
    storage::AlbumUpdate update;
    OBSCURA_TRY(name, textField(body, "albumName"));
    if (name) OBSCURA_TRY_STATUS(AlbumService::checkName(*name));
    update.name = std::move(name);
    OBSCURA_TRY(description, textField(body, "description"));
    if (description) OBSCURA_TRY_STATUS(AlbumService::checkDescription(*description));
    update.description = std::move(description);
    if (body.contains("albumThumbnailAssetId")) {
        const auto& cover = body["albumThumbnailAssetId"];
        if (cover.is_null()) {
            update.thumbnailAssetId = std::optional<std::string>();
        } else if (!cover.is_string()) {
            return badRequest("albumThumbnailAssetId must be an asset id or null");
        } else {
            update.thumbnailAssetId = std::optional<std::string>(cover.get<std::string>());
        }
    }
    return update;
}

Expected<Response> createAlbum(AlbumService& albums, Request& req) {
    OBSCURA_TRY(input, readNewAlbum(req));
    OBSCURA_TRY(created, albums.create(req.principal->userId, input));
    Response response = Response::json(201, dumped(albumJson(created)));
    response.headers.set("Location", "/api/albums/" + created.album.id);
    return response;
}

Expected<Response> listAlbums(AlbumService& albums, Request& req) {
    // Immich's ?shared=true asks for albums others share with the caller: there are none in Obscura.
    if (auto shared = req.queryParam("shared"); shared && *shared == "true") return Response::json(200, "[]");
    OBSCURA_TRY(found, albums.list(req.principal->userId));
    auto body = nlohmann::json::array();
    for (const auto& album : found) body.push_back(albumJson(album));
    return Response::json(200, dumped(body));
}

Expected<Response> getAlbum(AlbumService& albums, Request& req) {
    OBSCURA_TRY(album, albums.owned(req.principal->userId, std::string(req.param("id"))));
    if (auto without = req.queryParam("withoutAssets"); without && *without == "true")
        return Response::json(200, dumped(albumJson(album)));
    OBSCURA_TRY(assets, albums.assets(req.principal->userId, album.album.id));
    return Response::json(200, dumped(withAssets(album, assets)));
}

Expected<Response> patchAlbum(AlbumService& albums, Request& req) {
    OBSCURA_TRY(album, albums.owned(req.principal->userId, std::string(req.param("id"))));
    OBSCURA_TRY(update, readAlbumUpdate(req));
    OBSCURA_TRY(updated, albums.update(album, std::move(update)));
    return Response::json(200, dumped(albumJson(updated)));
}

Expected<Response> deleteAlbum(AlbumService& albums, Request& req) {
    OBSCURA_TRY_STATUS(albums.remove(req.principal->userId, std::string(req.param("id"))));
    return Response::noContent();
}

}  // namespace

Expected<nlohmann::json> jsonObjectBody(const Request& req) {
    auto body = nlohmann::json::parse(req.body, nullptr, false);
    if (body.is_discarded() || !body.is_object()) return badRequest("body must be a JSON object");
    return body;
}

Expected<std::vector<std::string>> idsField(const nlohmann::json& body, const char* key) {
    if (!body.contains(key) || !body[key].is_array()) return badRequest(std::string(key) + " must be an array of ids");
    const auto& array = body[key];
    if (array.size() > kMaxBulkIds)
        return invalid(std::string(key) + " may hold at most " + std::to_string(kMaxBulkIds) + " ids");
    std::vector<std::string> ids;
    for (const auto& id : array) {
        if (!id.is_string()) return badRequest(std::string(key) + " must be an array of ids");
        ids.push_back(id.get<std::string>());
    }
    return ids;
}

std::vector<Route> albumRoutes(AlbumService& albums) {
    std::vector<Route> routes;
    routes.push_back(route(Method::Get, "/api/albums", "The caller's albums, newest first, as an array (Immich)",
                           [&albums](Request& req) { return listAlbums(albums, req); }));
    routes.push_back(route(
        Method::Post, "/api/albums", "Create an album {albumName, description?, assetIds?} (Immich)",
        [&albums](Request& req) { return createAlbum(albums, req); }, BodyKind::Buffered));
    routes.push_back(route(Method::Get, "/api/albums/{id}",
                           "One album with its assets, newest first (?withoutAssets=true leaves them out) (Immich)",
                           [&albums](Request& req) { return getAlbum(albums, req); }));
    routes.push_back(route(
        Method::Patch, "/api/albums/{id}",
        "Rename, describe or choose the cover {albumName?, description?, albumThumbnailAssetId?}",
        [&albums](Request& req) { return patchAlbum(albums, req); }, BodyKind::Buffered));
    routes.push_back(route(Method::Delete, "/api/albums/{id}", "Delete an album and its share links (its assets stay)",
                           [&albums](Request& req) { return deleteAlbum(albums, req); }));
    return routes;
}

}  // namespace obscura::images

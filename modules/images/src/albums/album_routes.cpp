// GET|POST /api/albums and GET|PATCH|DELETE /api/albums/{id} (Immich's shapes). Another user's album is 404
// on every method, decided before the body is looked at. Rules and transactions: album_service.hpp.
#include "albums/album_routes.hpp"

#include <nlohmann/json.hpp>

#include "albums/album_json.hpp"
#include "albums/album_service.hpp"
#include "assets/asset_json.hpp"

namespace obscura::images {

namespace {

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
    OBSCURA_TRY(body, JsonBody::parse(req));
    OBSCURA_TRY(name, body.requiredString("albumName"));
    OBSCURA_TRY_STATUS(AlbumService::checkName(name));
    OBSCURA_TRY(description, body.optionalString("description"));
    if (description) OBSCURA_TRY_STATUS(AlbumService::checkDescription(*description));
    NewAlbum album{std::move(name), description.value_or(""), {}};
    if (body.has("assetIds")) {
        OBSCURA_TRY(ids, bulkIds(body, "assetIds"));
        album.assetIds = std::move(ids);
    }
    return album;
}

// {albumName?, description?, albumThumbnailAssetId?: id | null}; null clears the cover (Immich), so that one
// field is read from the raw object.
Expected<storage::AlbumUpdate> readAlbumUpdate(const Request& req) {
    OBSCURA_TRY(body, JsonBody::parse(req));
    storage::AlbumUpdate update;
    OBSCURA_TRY(name, body.optionalString("albumName"));
    if (name) OBSCURA_TRY_STATUS(AlbumService::checkName(*name));
    update.name = std::move(name);
    OBSCURA_TRY(description, body.optionalString("description"));
    if (description) OBSCURA_TRY_STATUS(AlbumService::checkDescription(*description));
    update.description = std::move(description);
    if (body.has("albumThumbnailAssetId")) {
        const auto& cover = body.json().at("albumThumbnailAssetId");
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

Expected<std::vector<std::string>> bulkIds(const JsonBody& body, std::string_view field) {
    OBSCURA_TRY(ids, body.requiredStrings(field));
    if (ids.size() > kMaxBulkIds)
        return invalid(std::string(field) + " may hold at most " + std::to_string(kMaxBulkIds) + " ids");
    return ids;
}

std::vector<Route> albumRoutes(AlbumService& albums) {
    return {Route{.method = Method::Get,
                  .pattern = "/api/albums",
                  .module = "images",
                  .summary = "The caller's albums, newest first, as an array (Immich)",
                  .handler = [&albums](Request& req) { return listAlbums(albums, req); }},
            Route{.method = Method::Post,
                  .pattern = "/api/albums",
                  .module = "images",
                  .summary = "Create an album {albumName, description?, assetIds?} (Immich)",
                  .body = BodyKind::Buffered,
                  .handler = [&albums](Request& req) { return createAlbum(albums, req); }},
            Route{.method = Method::Get,
                  .pattern = "/api/albums/{id}",
                  .module = "images",
                  .summary = "One album with its assets, newest first (?withoutAssets=true leaves them out) (Immich)",
                  .handler = [&albums](Request& req) { return getAlbum(albums, req); }},
            Route{.method = Method::Patch,
                  .pattern = "/api/albums/{id}",
                  .module = "images",
                  .summary = "Rename, describe or choose the cover {albumName?, description?, albumThumbnailAssetId?}",
                  .body = BodyKind::Buffered,
                  .handler = [&albums](Request& req) { return patchAlbum(albums, req); }},
            Route{.method = Method::Delete,
                  .pattern = "/api/albums/{id}",
                  .module = "images",
                  .summary = "Delete an album and its share links (its assets stay)",
                  .handler = [&albums](Request& req) { return deleteAlbum(albums, req); }}};
}

}  // namespace obscura::images

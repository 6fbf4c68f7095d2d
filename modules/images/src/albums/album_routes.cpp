// GET|POST /api/albums and GET|PATCH|DELETE /api/albums/{id} (Immich's shapes, plus DESIGN.md section 7's
// sharing fields and nested albums). An album the caller cannot see is 404 on every method, decided before the
// body is looked at; what only the owner may do is 403 for members. Rules and transactions: album_service.hpp.
#include "albums/album_routes.hpp"

#include <nlohmann/json.hpp>

#include "access/access_service.hpp"
#include "albums/album_service.hpp"
#include "albums/album_sharing_service.hpp"
#include "assets/asset_json.hpp"
#include "obscura/base/ids.hpp"
#include "obscura/kernel/service_registry.hpp"

namespace obscura::images {

namespace {

// parentId: an album id, or null for the top level (PATCH); absent leaves it as it is.
Expected<std::optional<std::optional<std::string>>> readParentId(const JsonBody& body) {
    if (!body.has("parentId")) return std::optional<std::optional<std::string>>();
    const auto& parent = body.json().at("parentId");
    if (parent.is_null()) return std::optional<std::optional<std::string>>(std::optional<std::string>());
    if (!parent.is_string()) return badRequest("parentId must be an album id or null");
    return std::optional<std::optional<std::string>>(parent.get<std::string>());
}

// {albumName, description?, assetIds?, parentId?}; each field's rule is checked as it is read, so the first bad
// field decides the answer.
Expected<NewAlbum> readNewAlbum(const Request& req) {
    OBSCURA_TRY(body, JsonBody::parse(req));
    OBSCURA_TRY(name, body.requiredString("albumName"));
    OBSCURA_TRY_STATUS(AlbumService::checkName(name));
    OBSCURA_TRY(description, body.optionalString("description"));
    if (description) OBSCURA_TRY_STATUS(AlbumService::checkDescription(*description));
    NewAlbum album{std::move(name), description.value_or(""), {}, {}};
    if (body.has("assetIds")) {
        OBSCURA_TRY(ids, bulkIds(body, "assetIds"));
        album.assetIds = std::move(ids);
    }
    OBSCURA_TRY(parent, readParentId(body));
    if (parent) album.parentId = std::move(*parent);
    return album;
}

// {albumName?, description?, albumThumbnailAssetId?: id | null, parentId?: id | null, allowDownload?}; null
// clears the cover (Immich) or moves the album to the top level.
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
    OBSCURA_TRY(parent, readParentId(body));
    update.parentId = std::move(parent);
    OBSCURA_TRY(allowDownload, body.optionalBool("allowDownload"));
    update.allowDownload = allowDownload;
    return update;
}

Expected<Response> albumList(const AlbumRouteDeps& deps, const std::vector<storage::SharedAlbum>& albums) {
    auto body = nlohmann::json::array();
    for (const auto& album : albums) {
        OBSCURA_TRY(json, deps.albumBody(AlbumGrant{album.view, album.role}));
        body.push_back(std::move(json));
    }
    return Response::json(200, dumped(body));
}

Expected<Response> listAlbums(const AlbumRouteDeps& deps, Request& req) {
    const auto& caller = req.principal->userId;
    if (auto shared = req.queryParam("shared"); shared && *shared == "true") {
        OBSCURA_TRY(found, deps.sharing.listShared(caller));
        return albumList(deps, found);
    }
    if (auto parentId = req.queryParam("parentId")) {
        if (!isUuid(std::string(*parentId))) return badRequest("parentId must be an album id (UUID)");
        OBSCURA_TRY(parent, deps.access.visibleAlbum(caller, std::string(*parentId)));
        OBSCURA_TRY(children, deps.sharing.children(parent, caller));
        return albumList(deps, children);
    }
    OBSCURA_TRY(found, deps.albums.list(caller));
    std::vector<storage::SharedAlbum> own;
    for (auto& view : found) own.push_back({std::move(view), storage::AlbumRole::Owner});
    return albumList(deps, own);
}

Expected<Response> createAlbum(const AlbumRouteDeps& deps, Request& req) {
    OBSCURA_TRY(input, readNewAlbum(req));
    OBSCURA_TRY(created, deps.albums.create(req.principal->userId, input));
    OBSCURA_TRY(body, deps.albumBody(AlbumGrant{created, storage::AlbumRole::Owner}));
    Response response = Response::json(201, dumped(body));
    response.headers.set("Location", "/api/albums/" + created.album.id);
    return response;
}

Expected<Response> getAlbum(const AlbumRouteDeps& deps, Request& req) {
    OBSCURA_TRY(grant, deps.access.visibleAlbum(req.principal->userId, std::string(req.param("id"))));
    OBSCURA_TRY(body, deps.albumBody(grant));
    if (auto without = req.queryParam("withoutAssets"); without && *without == "true")
        return Response::json(200, dumped(body));
    OBSCURA_TRY(assets, deps.albums.memberAssets(grant.album.album.id));
    body["assets"] = nlohmann::json::array();
    for (const auto& asset : assets) body["assets"].push_back(assetJson(asset));
    return Response::json(200, dumped(body));
}

Expected<Response> patchAlbum(const AlbumRouteDeps& deps, Request& req) {
    OBSCURA_TRY(grant, deps.access.visibleAlbum(req.principal->userId, std::string(req.param("id"))));
    OBSCURA_TRY_STATUS(requireOwner(grant, "change it"));
    OBSCURA_TRY(update, readAlbumUpdate(req));
    OBSCURA_TRY(updated, deps.albums.update(grant.album, std::move(update)));
    OBSCURA_TRY(body, deps.albumBody(AlbumGrant{updated, storage::AlbumRole::Owner}));
    return Response::json(200, dumped(body));
}

Expected<Response> deleteAlbum(const AlbumRouteDeps& deps, Request& req) {
    OBSCURA_TRY(grant, deps.access.visibleAlbum(req.principal->userId, std::string(req.param("id"))));
    OBSCURA_TRY_STATUS(requireOwner(grant, "delete it"));
    OBSCURA_TRY_STATUS(deps.albums.remove(grant.album.album.ownerId, grant.album.album.id));
    return Response::noContent();
}

}  // namespace

AvatarUrlOf AlbumRouteDeps::avatars() const { return avatarsOf(services); }

Expected<nlohmann::json> AlbumRouteDeps::albumBody(const AlbumGrant& grant) const {
    OBSCURA_TRY(details, sharing.details(grant.album, grant.role));
    return albumJson(details, avatars());
}

std::string dumped(const nlohmann::json& body) {
    return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Expected<std::vector<std::string>> bulkIds(const JsonBody& body, std::string_view field) {
    OBSCURA_TRY(ids, body.requiredStrings(field));
    if (ids.size() > kMaxBulkIds)
        return invalid(std::string(field) + " may hold at most " + std::to_string(kMaxBulkIds) + " ids");
    return ids;
}

std::vector<Route> albumRoutes(const AlbumRouteDeps& deps) {
    return {Route{.method = Method::Get,
                  .pattern = "/api/albums",
                  .module = "images",
                  .summary = "The caller's albums, newest first (Immich); ?shared=true: shared with or by the caller;"
                             " ?parentId=: an album's children",
                  .handler = [deps](Request& req) { return listAlbums(deps, req); }},
            Route{.method = Method::Post,
                  .pattern = "/api/albums",
                  .module = "images",
                  .summary = "Create an album {albumName, description?, assetIds?, parentId?} (Immich)",
                  .body = BodyKind::Buffered,
                  .handler = [deps](Request& req) { return createAlbum(deps, req); }},
            Route{.method = Method::Get,
                  .pattern = "/api/albums/{id}",
                  .module = "images",
                  .summary = "One album with its assets, newest first (?withoutAssets=true leaves them out) (Immich)",
                  .handler = [deps](Request& req) { return getAlbum(deps, req); }},
            Route{.method = Method::Patch,
                  .pattern = "/api/albums/{id}",
                  .module = "images",
                  .summary = "Rename, describe, choose the cover, move or set downloads {albumName?, description?,"
                             " albumThumbnailAssetId?, parentId?, allowDownload?} (owner only)",
                  .body = BodyKind::Buffered,
                  .handler = [deps](Request& req) { return patchAlbum(deps, req); }},
            Route{.method = Method::Delete,
                  .pattern = "/api/albums/{id}",
                  .module = "images",
                  .summary = "Delete an album and its share links; its assets stay, its children move up (owner only)",
                  .handler = [deps](Request& req) { return deleteAlbum(deps, req); }}};
}

}  // namespace obscura::images

// GET|POST /api/albums and GET|PATCH|DELETE /api/albums/{id} (Immich's shapes). Another user's album is 404
// on every method, decided before the body is looked at.
#include <nlohmann/json.hpp>

#include "album_json.hpp"
#include "album_routes.hpp"
#include "asset_json.hpp"
#include "asset_text.hpp"
#include "obscura/base/clock.hpp"
#include "obscura/base/ids.hpp"
#include "obscura/base/rfc3339.hpp"
#include "obscura/storage/storage.hpp"

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

Status checkAlbumName(const std::string& name) {
    if (name.empty()) return invalid("albumName must not be empty");
    return checkTitle(name);
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

Expected<Response> createAlbum(storage::Storage& storage, const Clock& clock, Request& req) {
    OBSCURA_TRY(body, jsonObjectBody(req));
    OBSCURA_TRY(name, textField(body, "albumName"));
    if (!name) return badRequest("albumName is required");
    OBSCURA_TRY_STATUS(checkAlbumName(*name));
    OBSCURA_TRY(description, textField(body, "description"));
    if (description) OBSCURA_TRY_STATUS(checkDescription(*description));
    std::vector<std::string> assetIds;
    if (body.contains("assetIds")) {
        OBSCURA_TRY(ids, idsField(body, "assetIds"));
        assetIds = std::move(ids);
    }
    const auto nowUs = clock.nowUs();
    storage::AlbumRecord album;
    album.id = newUuid();
    album.ownerId = req.principal->userId;
    album.name = *name;
    album.description = description.value_or("");
    album.createdAt = formatRfc3339(nowUs);
    album.createdAtUs = nowUs;
    album.updatedAt = album.createdAt;
    std::optional<storage::AlbumView> created;
    OBSCURA_TRY_STATUS(storage.transaction([&](storage::Repositories& repos) -> Status {
        OBSCURA_TRY_STATUS(repos.albums().createAlbum(album));
        // Ids that are not the caller's live assets are skipped, as Immich does.
        if (!assetIds.empty())
            OBSCURA_TRY_STATUS(
                repos.albums().addAlbumAssets(album.ownerId, album.id, assetIds, nowUs, album.updatedAt));
        OBSCURA_TRY(found, repos.albums().findAlbum(album.ownerId, album.id));
        created = std::move(found);
        return {};
    }));
    if (!created) return internalError("the new album vanished");
    Response response = Response::json(201, dumped(albumJson(*created)));
    response.headers.set("Location", "/api/albums/" + album.id);
    return response;
}

Expected<Response> listAlbums(storage::Storage& storage, Request& req) {
    std::vector<storage::AlbumView> albums;
    // Immich's ?shared=true asks for albums others share with the caller: there are none in Obscura.
    if (auto shared = req.queryParam("shared"); shared && *shared == "true") return Response::json(200, "[]");
    OBSCURA_TRY_STATUS(storage.run([&](storage::Repositories& repos) -> Status {
        OBSCURA_TRY(found, repos.albums().listAlbums(req.principal->userId));
        albums = std::move(found);
        return {};
    }));
    auto body = nlohmann::json::array();
    for (const auto& album : albums) body.push_back(albumJson(album));
    return Response::json(200, dumped(body));
}

Expected<Response> getAlbum(storage::Storage& storage, Request& req) {
    OBSCURA_TRY(album, ownedAlbum(storage, req.principal->userId, std::string(req.param("id"))));
    if (auto without = req.queryParam("withoutAssets"); without && *without == "true")
        return Response::json(200, dumped(albumJson(album)));
    OBSCURA_TRY(assets, albumAssets(storage, req.principal->userId, album.album.id));
    return Response::json(200, dumped(withAssets(album, assets)));
}

Expected<Response> patchAlbum(storage::Storage& storage, const Clock& clock, Request& req) {
    const std::string& owner = req.principal->userId;
    OBSCURA_TRY(album, ownedAlbum(storage, owner, std::string(req.param("id"))));
    OBSCURA_TRY(body, jsonObjectBody(req));
    storage::AlbumUpdate update;
    OBSCURA_TRY(name, textField(body, "albumName"));
    if (name) OBSCURA_TRY_STATUS(checkAlbumName(*name));
    update.name = std::move(name);
    OBSCURA_TRY(description, textField(body, "description"));
    if (description) OBSCURA_TRY_STATUS(checkDescription(*description));
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
    update.updatedAt = formatRfc3339(clock.nowUs());
    std::optional<storage::AlbumView> updated;
    OBSCURA_TRY_STATUS(storage.transaction([&](storage::Repositories& repos) -> Status {
        if (update.thumbnailAssetId && *update.thumbnailAssetId) {
            const auto& coverId = **update.thumbnailAssetId;
            OBSCURA_TRY(inAlbum, repos.albums().albumHasAsset(owner, album.album.id, coverId));
            if (!inAlbum) return invalid("albumThumbnailAssetId must be an asset of this album");
        }
        OBSCURA_TRY(write, repos.albums().updateAlbum(owner, album.album.id, update));
        if (write == storage::AssetWrite::NotFound) return notFound("album not found");
        OBSCURA_TRY(found, repos.albums().findAlbum(owner, album.album.id));
        updated = std::move(found);
        return {};
    }));
    if (!updated) return notFound("album not found");
    return Response::json(200, dumped(albumJson(*updated)));
}

Expected<Response> deleteAlbum(storage::Storage& storage, Request& req) {
    const std::string id(req.param("id"));
    if (!isUuid(id)) return notFound("album not found");
    bool deleted = false;
    OBSCURA_TRY_STATUS(storage.run([&](storage::Repositories& repos) -> Status {
        OBSCURA_TRY(done, repos.albums().deleteAlbum(req.principal->userId, id));
        deleted = done;
        return {};
    }));
    if (!deleted) return notFound("album not found");
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

Expected<storage::AlbumView> ownedAlbum(storage::Storage& storage, const std::string& ownerId, const std::string& id) {
    if (!isUuid(id)) return notFound("album not found");
    std::optional<storage::AlbumView> found;
    OBSCURA_TRY_STATUS(storage.run([&](storage::Repositories& repos) -> Status {
        OBSCURA_TRY(album, repos.albums().findAlbum(ownerId, id));
        found = std::move(album);
        return {};
    }));
    if (!found) return notFound("album not found");
    return std::move(*found);
}

Expected<std::vector<storage::AssetRecord>> albumAssets(storage::Storage& storage, const std::string& ownerId,
                                                        const std::string& albumId) {
    storage::AssetQuery query;
    query.filter.ownerId = ownerId;
    query.filter.albumId = albumId;
    query.filter.archived.reset();
    query.limit = 500;
    return allPagesOf(storage, std::move(query));
}

Expected<std::vector<storage::AssetRecord>> allPagesOf(storage::Storage& storage, storage::AssetQuery query) {
    std::vector<storage::AssetRecord> out;
    // Keyset pages to the end, page by page so no query is unbounded.
    for (;;) {
        storage::AssetPage page;
        OBSCURA_TRY_STATUS(storage.run([&](storage::Repositories& repos) -> Status {
            OBSCURA_TRY(found, repos.images().listAssets(query));
            page = std::move(found);
            return {};
        }));
        for (auto& asset : page.items) out.push_back(std::move(asset));
        if (!page.hasMore || out.empty()) break;
        query.after = storage::AssetCursor{out.back().takenAtUs, out.back().id};
    }
    return out;
}

std::vector<Route> albumRoutes(storage::Storage& storage, const Clock& clock) {
    std::vector<Route> routes;
    routes.push_back(route(Method::Get, "/api/albums", "The caller's albums, newest first, as an array (Immich)",
                           [&storage](Request& req) { return listAlbums(storage, req); }));
    routes.push_back(route(
        Method::Post, "/api/albums", "Create an album {albumName, description?, assetIds?} (Immich)",
        [&storage, &clock](Request& req) { return createAlbum(storage, clock, req); }, BodyKind::Buffered));
    routes.push_back(route(Method::Get, "/api/albums/{id}",
                           "One album with its assets, newest first (?withoutAssets=true leaves them out) (Immich)",
                           [&storage](Request& req) { return getAlbum(storage, req); }));
    routes.push_back(route(
        Method::Patch, "/api/albums/{id}",
        "Rename, describe or choose the cover {albumName?, description?, albumThumbnailAssetId?}",
        [&storage, &clock](Request& req) { return patchAlbum(storage, clock, req); }, BodyKind::Buffered));
    routes.push_back(route(Method::Delete, "/api/albums/{id}", "Delete an album and its share links (its assets stay)",
                           [&storage](Request& req) { return deleteAlbum(storage, req); }));
    return routes;
}

}  // namespace obscura::images

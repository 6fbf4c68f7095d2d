// GET|PATCH|DELETE /api/assets/{id}. Another owner's asset, like a missing one, is 404 on every method, and
// that is decided before the body is looked at (DESIGN.md's precedence: 404 before 400/422).
#include "assets/asset_routes.hpp"

#include "assets/asset_json.hpp"
#include "assets/asset_service.hpp"
#include "assets/asset_text.hpp"
#include "obscura/base/ids.hpp"
#include "obscura/base/rfc3339.hpp"
#include "obscura/kernel/json_body.hpp"

namespace obscura::images {

namespace {

constexpr std::uint64_t kPatchBodyLimit = 64 * 1024;

Error assetNotFound() { return notFound("asset not found"); }

// The asset named by the path, or 404. Ids that are not UUIDs cannot name an asset.
Expected<storage::AssetRecord> ownedAsset(AssetService& assets, const Request& req) {
    const std::string id(req.param("id"));
    if (!isUuid(id)) return assetNotFound();
    OBSCURA_TRY(found, assets.find(req.principal->userId, id));
    if (!found) return assetNotFound();
    return std::move(*found);
}

// The PATCH body as an update (JsonBody's rules: 400 for a body that cannot be read as this shape, null
// included; 422 for a value that breaks a rule). Unknown fields are ignored.
Expected<storage::AssetUpdate> parsePatch(const Request& req) {
    OBSCURA_TRY(body, JsonBody::parse(req));
    storage::AssetUpdate update;
    OBSCURA_TRY(title, body.optionalString("title"));
    if (title) OBSCURA_TRY_STATUS(checkTitle(*title));
    update.title = std::move(title);
    OBSCURA_TRY(description, body.optionalString("description"));
    if (description) OBSCURA_TRY_STATUS(checkDescription(*description));
    update.description = std::move(description);
    OBSCURA_TRY(tags, body.optionalStrings("tags"));
    if (tags) {
        OBSCURA_TRY(normalized, normalizeTags(*tags));
        update.tags = std::move(normalized);
    }
    OBSCURA_TRY(favorite, body.optionalBool("isFavorite"));
    update.isFavorite = favorite;
    OBSCURA_TRY(archived, body.optionalBool("isArchived"));
    update.isArchived = archived;
    OBSCURA_TRY(takenAt, body.optionalString("takenAt"));
    if (takenAt) {
        const auto parsed = parseRfc3339(*takenAt);
        if (!parsed) return invalid("takenAt must be an RFC 3339 time with offset, e.g. 2021-07-04T10:20:30+02:00");
        update.takenAt = parsed->text;
        update.takenAtUs = parsed->utcUs;
    }
    return update;
}

Route getRoute(AssetService& assets) {
    return Route{.method = Method::Get,
                 .pattern = "/api/assets/{id}",
                 .module = "images",
                 .summary = "One of the caller's assets",
                 .handler = [&assets](Request& req) -> Expected<Response> {
                     OBSCURA_TRY(asset, ownedAsset(assets, req));
                     return Response::json(200, assetObjectJson(asset));
                 }};
}

Route patchRoute(AssetService& assets) {
    return Route{.method = Method::Patch,
                 .pattern = "/api/assets/{id}",
                 .module = "images",
                 .summary = "Change title, description, tags, isFavorite, isArchived or takenAt; answers the asset",
                 .body = BodyKind::Buffered,
                 .maxBodyBytes = kPatchBodyLimit,
                 .handler = [&assets](Request& req) -> Expected<Response> {
                     OBSCURA_TRY(asset, ownedAsset(assets, req));
                     OBSCURA_TRY(update, parsePatch(req));
                     OBSCURA_TRY(updated, assets.update(asset.ownerId, asset.id, std::move(update)));
                     if (!updated) return assetNotFound();  // deleted meanwhile
                     return Response::json(200, assetObjectJson(*updated));
                 }};
}

Route deleteRoute(AssetService& assets) {
    return Route{.method = Method::Delete,
                 .pattern = "/api/assets/{id}",
                 .module = "images",
                 .summary = "Move the asset to the trash; ?permanent=true deletes it and its files for good",
                 .handler = [&assets](Request& req) -> Expected<Response> {
                     const auto permanentParam = req.queryParam("permanent");
                     const std::string id(req.param("id"));
                     if (!isUuid(id)) return assetNotFound();
                     if (permanentParam && *permanentParam != "true" && *permanentParam != "false") {
                         OBSCURA_TRY(asset, ownedAsset(assets, req));  // 404 outranks 400
                         return badRequest("permanent must be true or false");
                     }
                     const bool permanent = permanentParam && *permanentParam == "true";
                     OBSCURA_TRY(done, permanent ? assets.deletePermanently(req.principal->userId, id)
                                                 : assets.trash(req.principal->userId, id));
                     if (!done) return assetNotFound();
                     return Response::noContent();
                 }};
}

}  // namespace

std::vector<Route> assetRoutes(AssetService& assets) {
    return {getRoute(assets), patchRoute(assets), deleteRoute(assets)};
}

}  // namespace obscura::images

// GET|PATCH|DELETE /api/assets/{id}. An asset the caller cannot see, like a missing one, is 404 on every
// method; one they see through sharing but do not own is 403 on PATCH and DELETE; both are decided before the
// body is looked at (DESIGN.md's precedence: 404, then 403, then 400/422).
#include "assets/asset_routes.hpp"

#include "access/access_service.hpp"
#include "assets/asset_json.hpp"
#include "assets/asset_service.hpp"
#include "assets/asset_text.hpp"
#include "obscura/base/rfc3339.hpp"
#include "obscura/kernel/json_body.hpp"

namespace obscura::images {

namespace {

constexpr std::uint64_t kPatchBodyLimit = 64 * 1024;

Error assetNotFound() { return notFound("asset not found"); }

// The asset named by the path when the caller may see it and do `action` to it. DESIGN.md's precedence: not
// visible is 404 (like a missing id; ids that are not UUIDs name nothing), visible but not the caller's to
// change is 403, and both are decided before the body or the query is looked at.
Expected<storage::AssetRecord> allowedAsset(AccessService& access, const Request& req, AssetAction action) {
    OBSCURA_TRY(grant, access.visibleAsset(req.principal->userId, std::string(req.param("id"))));
    OBSCURA_TRY_STATUS(AccessService::allow(grant, action));
    return std::move(grant.asset);
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

Route getRoute(AccessService& access) {
    return Route{.method = Method::Get,
                 .pattern = "/api/assets/{id}",
                 .module = "images",
                 .summary = "One asset the caller may see (their own, a partner's, an album's)",
                 .handler = [&access](Request& req) -> Expected<Response> {
                     OBSCURA_TRY(asset, allowedAsset(access, req, AssetAction::View));
                     return Response::json(200, assetObjectJson(asset));
                 }};
}

Route patchRoute(AssetService& assets, AccessService& access) {
    return Route{.method = Method::Patch,
                 .pattern = "/api/assets/{id}",
                 .module = "images",
                 .summary = "Change title, description, tags, isFavorite, isArchived or takenAt; answers the asset",
                 .body = BodyKind::Buffered,
                 .maxBodyBytes = kPatchBodyLimit,
                 .handler = [&assets, &access](Request& req) -> Expected<Response> {
                     OBSCURA_TRY(asset, allowedAsset(access, req, AssetAction::Change));
                     OBSCURA_TRY(update, parsePatch(req));
                     OBSCURA_TRY(updated, assets.update(asset.ownerId, asset.id, std::move(update)));
                     if (!updated) return assetNotFound();  // deleted meanwhile
                     return Response::json(200, assetObjectJson(*updated));
                 }};
}

Route deleteRoute(AssetService& assets, AccessService& access) {
    return Route{.method = Method::Delete,
                 .pattern = "/api/assets/{id}",
                 .module = "images",
                 .summary = "Move the asset to the trash; ?permanent=true deletes it and its files for good",
                 .handler = [&assets, &access](Request& req) -> Expected<Response> {
                     OBSCURA_TRY(asset, allowedAsset(access, req, AssetAction::Trash));  // 404, 403 outrank 400
                     const auto permanentParam = req.queryParam("permanent");
                     if (permanentParam && *permanentParam != "true" && *permanentParam != "false")
                         return badRequest("permanent must be true or false");
                     const bool permanent = permanentParam && *permanentParam == "true";
                     OBSCURA_TRY(done, permanent ? assets.deletePermanently(asset.ownerId, asset.id)
                                                 : assets.trash(asset.ownerId, asset.id));
                     if (!done) return assetNotFound();
                     return Response::noContent();
                 }};
}

}  // namespace

std::vector<Route> assetRoutes(AssetService& assets, AccessService& access) {
    return {getRoute(access), patchRoute(assets, access), deleteRoute(assets, access)};
}

}  // namespace obscura::images

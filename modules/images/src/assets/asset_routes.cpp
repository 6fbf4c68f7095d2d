// GET|PATCH|DELETE /api/assets/{id}. Another owner's asset, like a missing one, is 404 on every method, and
// that is decided before the body is looked at (DESIGN.md's precedence: 404 before 400/422).
#include <nlohmann/json.hpp>

#include "assets/asset_json.hpp"
#include "assets/asset_routes.hpp"
#include "assets/asset_service.hpp"
#include "assets/asset_text.hpp"
#include "obscura/base/ids.hpp"
#include "obscura/base/rfc3339.hpp"

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

Expected<std::optional<std::string>> optionalText(const nlohmann::json& body, const char* key) {
    if (!body.contains(key)) return std::optional<std::string>();
    const auto& v = body[key];
    if (!v.is_string()) return badRequest(std::string(key) + " must be a string");
    return std::optional<std::string>(v.get<std::string>());
}

Expected<std::optional<bool>> optionalBool(const nlohmann::json& body, const char* key) {
    if (!body.contains(key)) return std::optional<bool>();
    if (!body[key].is_boolean()) return badRequest(std::string(key) + " must be true or false");
    return std::optional<bool>(body[key].get<bool>());
}

// The PATCH body as an update: 400 for a body that is not a JSON object or a field of the wrong type (null
// included), 422 for a value that breaks a rule. Unknown fields are ignored.
Expected<storage::AssetUpdate> parsePatch(const std::string& text) {
    const auto body = nlohmann::json::parse(text, nullptr, false);
    if (body.is_discarded() || !body.is_object()) return badRequest("body must be a JSON object");
    storage::AssetUpdate update;
    OBSCURA_TRY(title, optionalText(body, "title"));
    if (title) OBSCURA_TRY_STATUS(checkTitle(*title));
    update.title = std::move(title);
    OBSCURA_TRY(description, optionalText(body, "description"));
    if (description) OBSCURA_TRY_STATUS(checkDescription(*description));
    update.description = std::move(description);
    if (body.contains("tags")) {
        const auto& tags = body["tags"];
        if (!tags.is_array()) return badRequest("tags must be an array of strings");
        std::vector<std::string> raw;
        for (const auto& t : tags) {
            if (!t.is_string()) return badRequest("tags must be an array of strings");
            raw.push_back(t.get<std::string>());
        }
        OBSCURA_TRY(normalized, normalizeTags(raw));
        update.tags = std::move(normalized);
    }
    OBSCURA_TRY(favorite, optionalBool(body, "isFavorite"));
    update.isFavorite = favorite;
    OBSCURA_TRY(archived, optionalBool(body, "isArchived"));
    update.isArchived = archived;
    if (body.contains("takenAt")) {
        const auto& v = body["takenAt"];
        if (!v.is_string()) return badRequest("takenAt must be a string");
        const auto parsed = parseRfc3339(v.get<std::string>());
        if (!parsed) return invalid("takenAt must be an RFC 3339 time with offset, e.g. 2021-07-04T10:20:30+02:00");
        update.takenAt = parsed->text;
        update.takenAtUs = parsed->utcUs;
    }
    return update;
}

Route getRoute(AssetService& assets) {
    Route route;
    route.method = Method::Get;
    route.pattern = "/api/assets/{id}";
    route.auth = AuthPolicy::User;
    route.module = "images";
    route.summary = "One of the caller's assets";
    route.handler = [&assets](Request& req) -> Expected<Response> {
        OBSCURA_TRY(asset, ownedAsset(assets, req));
        return Response::json(200, assetObjectJson(asset));
    };
    return route;
}

Route patchRoute(AssetService& assets) {
    Route route;
    route.method = Method::Patch;
    route.pattern = "/api/assets/{id}";
    route.auth = AuthPolicy::User;
    route.module = "images";
    route.body = BodyKind::Buffered;
    route.maxBodyBytes = kPatchBodyLimit;
    route.summary = "Change title, description, tags, isFavorite, isArchived or takenAt; answers the asset";
    route.handler = [&assets](Request& req) -> Expected<Response> {
        OBSCURA_TRY(asset, ownedAsset(assets, req));
        OBSCURA_TRY(update, parsePatch(req.body));
        OBSCURA_TRY(updated, assets.update(asset.ownerId, asset.id, std::move(update)));
        if (!updated) return assetNotFound();  // deleted meanwhile
        return Response::json(200, assetObjectJson(*updated));
    };
    return route;
}

Route deleteRoute(AssetService& assets) {
    Route route;
    route.method = Method::Delete;
    route.pattern = "/api/assets/{id}";
    route.auth = AuthPolicy::User;
    route.module = "images";
    route.summary = "Move the asset to the trash; ?permanent=true deletes it and its files for good";
    route.handler = [&assets](Request& req) -> Expected<Response> {
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
    };
    return route;
}

}  // namespace

std::vector<Route> assetRoutes(AssetService& assets) {
    return {getRoute(assets), patchRoute(assets), deleteRoute(assets)};
}

}  // namespace obscura::images

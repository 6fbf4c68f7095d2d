// The duplicates routes (Immich's shapes): the caller's own images only, so every id a body names is checked as
// the caller's (per group: not_found / forbidden, as Immich's bulk answers) and nothing is ever someone else's.
#include "duplicates/duplicate_routes.hpp"

#include <nlohmann/json.hpp>

#include "assets/asset_json.hpp"
#include "duplicates/duplicate_service.hpp"
#include "obscura/base/ids.hpp"
#include "obscura/kernel/json_body.hpp"

namespace obscura::images {

namespace {

constexpr std::uint64_t kResolveBodyLimit = 1024 * 1024;
constexpr std::size_t kMaxGroupsPerResolve = 1000;

// ?distance= (0..64; default images.duplicateDistance). Anything else is 422 naming the field.
Expected<int> distanceOf(const Request& req, const DuplicateService& duplicates) {
    const auto raw = req.queryParam("distance");
    if (!raw) return duplicates.defaultDistance();
    const Error bad =
        invalid("distance must be a whole number from 0 to " + std::to_string(DuplicateService::kMaxDistance));
    if (raw->empty() || raw->size() > 2) return bad;
    int value = 0;
    for (char c : *raw) {
        if (c < '0' || c > '9') return bad;
        value = value * 10 + (c - '0');
    }
    if (value > DuplicateService::kMaxDistance) return bad;
    return value;
}

Expected<std::vector<std::string>> idsOf(const nlohmann::json& group, const char* field) {
    std::vector<std::string> ids;
    const auto it = group.find(field);
    if (it == group.end()) return ids;
    if (!it->is_array()) return badRequest(std::string(field) + " must be an array of asset ids");
    for (const auto& id : *it) {
        if (!id.is_string()) return badRequest(std::string(field) + " must be an array of asset ids");
        ids.push_back(id.get<std::string>());
    }
    return ids;
}

Expected<std::vector<DuplicateResolution>> parseResolve(const Request& req) {
    OBSCURA_TRY(body, JsonBody::parse(req));
    const auto& json = body.json();
    const auto groups = json.find("groups");
    if (groups == json.end() || !groups->is_array()) return badRequest("groups must be an array");
    if (groups->size() > kMaxGroupsPerResolve)
        return invalid("groups: at most " + std::to_string(kMaxGroupsPerResolve) + " at a time");
    std::vector<DuplicateResolution> out;
    for (const auto& g : *groups) {
        if (!g.is_object()) return badRequest("groups must be an array of objects");
        DuplicateResolution r;
        const auto id = g.find("duplicateId");
        if (id == g.end() || !id->is_string()) return badRequest("groups[].duplicateId must be a string");
        r.duplicateId = id->get<std::string>();
        OBSCURA_TRY(keep, idsOf(g, "keepAssetIds"));
        OBSCURA_TRY(trash, idsOf(g, "trashAssetIds"));
        for (const auto& t : trash) {
            if (std::find(keep.begin(), keep.end(), t) != keep.end())
                return invalid("groups[].trashAssetIds: asset " + t + " is also in keepAssetIds");
        }
        r.keepAssetIds = std::move(keep);
        r.trashAssetIds = std::move(trash);
        out.push_back(std::move(r));
    }
    return out;
}

Route listRoute(DuplicateService& duplicates) {
    return Route{.method = Method::Get,
                 .pattern = "/api/duplicates",
                 .module = "images",
                 .summary = "The caller's near-duplicate images, grouped (?distance= 0-64, Immich)",
                 .handler = [&duplicates](Request& req) -> Expected<Response> {
                     OBSCURA_TRY(distance, distanceOf(req, duplicates));
                     OBSCURA_TRY(groups, duplicates.groups(req.principal->userId, distance));
                     std::string out = "[";
                     for (const auto& group : groups) {
                         if (out.size() > 1) out += ',';
                         out += "{\"duplicateId\":\"" + group.duplicateId + "\",\"assets\":[";
                         for (std::size_t i = 0; i < group.assets.size(); ++i) {
                             if (i > 0) out += ',';
                             appendAssetJson(out, group.assets[i]);
                         }
                         out += "]}";
                     }
                     out += ']';
                     return Response::json(200, std::move(out));
                 }};
}

Route resolveRoute(DuplicateService& duplicates) {
    return Route{.method = Method::Post,
                 .pattern = "/api/duplicates/resolve",
                 .module = "images",
                 .summary = "Keep some, trash the others ({groups:[{duplicateId, keepAssetIds, trashAssetIds}]})",
                 .body = BodyKind::Buffered,
                 .maxBodyBytes = kResolveBodyLimit,
                 .handler = [&duplicates](Request& req) -> Expected<Response> {
                     OBSCURA_TRY(resolutions, parseResolve(req));
                     OBSCURA_TRY(outcomes, duplicates.resolve(req.principal->userId, resolutions));
                     nlohmann::json out = nlohmann::json::array();
                     for (const auto& o : outcomes) {
                         nlohmann::json item = {{"id", o.duplicateId}, {"success", o.success}};
                         if (!o.success) item["error"] = o.error;
                         out.push_back(std::move(item));
                     }
                     return Response::json(200, out.dump());
                 }};
}

Route dismissRoute(DuplicateService& duplicates) {
    return Route{.method = Method::Delete,
                 .pattern = "/api/duplicates/{id}",
                 .module = "images",
                 .summary = "Dismiss a group: its images are not duplicates of each other (?distance= as listed)",
                 .handler = [&duplicates](Request& req) -> Expected<Response> {
                     const std::string id(req.param("id"));
                     if (!isUuid(id)) return notFound("duplicate group not found");
                     OBSCURA_TRY(distance, distanceOf(req, duplicates));
                     OBSCURA_TRY(found, duplicates.dismiss(req.principal->userId, id, distance));
                     if (!found) return notFound("duplicate group not found");
                     return Response::noContent();
                 }};
}

}  // namespace

std::vector<Route> duplicateRoutes(DuplicateService& duplicates) {
    return {listRoute(duplicates), resolveRoute(duplicates), dismissRoute(duplicates)};
}

}  // namespace obscura::images

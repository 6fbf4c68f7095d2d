// Groups of users (DESIGN.md section 7): POST|GET /api/groups, GET|PATCH|DELETE /api/groups/{id},
// PUT /api/groups/{id}/members. A group the caller neither owns nor sits in is 404; a member changing it is 403.
// Rules and transactions: group_service.hpp.
#include <nlohmann/json.hpp>

#include "albums/album_routes.hpp"
#include "albums/group_service.hpp"

namespace obscura::images {

namespace {

Response groupResponse(const AlbumRouteDeps& deps, int status, const GroupGrant& group) {
    return Response::json(status, dumped(groupJson(group, deps.avatars())));
}

Expected<Response> createGroup(const AlbumRouteDeps& deps, Request& req) {
    OBSCURA_TRY(body, JsonBody::parse(req));
    OBSCURA_TRY(name, body.requiredString("name"));
    OBSCURA_TRY(created, deps.groups.create(req.principal->userId, name));
    Response response = groupResponse(deps, 201, created);
    response.headers.set("Location", "/api/groups/" + created.view.group.id);
    return response;
}

Expected<Response> listGroups(const AlbumRouteDeps& deps, Request& req) {
    OBSCURA_TRY(found, deps.groups.list(req.principal->userId));
    auto body = nlohmann::json::array();
    const auto avatars = deps.avatars();
    for (const auto& group : found) body.push_back(groupJson(group, avatars));
    return Response::json(200, dumped(body));
}

Expected<Response> getGroup(const AlbumRouteDeps& deps, Request& req) {
    OBSCURA_TRY(group, deps.groups.visible(req.principal->userId, std::string(req.param("id"))));
    return groupResponse(deps, 200, group);
}

Expected<Response> patchGroup(const AlbumRouteDeps& deps, Request& req) {
    OBSCURA_TRY(group, deps.groups.visible(req.principal->userId, std::string(req.param("id"))));
    if (!group.owner) return Error(ErrorCode::Forbidden, "only the group's owner may change it");
    OBSCURA_TRY(body, JsonBody::parse(req));
    OBSCURA_TRY(name, body.optionalString("name"));
    if (!name) return groupResponse(deps, 200, group);
    OBSCURA_TRY(renamed, deps.groups.rename(group, *name));
    return groupResponse(deps, 200, renamed);
}

Expected<Response> deleteGroup(const AlbumRouteDeps& deps, Request& req) {
    OBSCURA_TRY(group, deps.groups.visible(req.principal->userId, std::string(req.param("id"))));
    OBSCURA_TRY_STATUS(deps.groups.remove(group));
    return Response::noContent();
}

Expected<Response> setMembers(const AlbumRouteDeps& deps, Request& req) {
    OBSCURA_TRY(group, deps.groups.visible(req.principal->userId, std::string(req.param("id"))));
    if (!group.owner) return Error(ErrorCode::Forbidden, "only the group's owner may change it");
    OBSCURA_TRY(body, JsonBody::parse(req));
    OBSCURA_TRY(userIds, bulkIds(body, "userIds"));
    OBSCURA_TRY(updated, deps.groups.setMembers(group, userIds));
    return groupResponse(deps, 200, updated);
}

}  // namespace

std::vector<Route> groupRoutes(const AlbumRouteDeps& deps) {
    return {Route{.method = Method::Post,
                  .pattern = "/api/groups",
                  .module = "images",
                  .summary = "Create a group of users {name} (its members are set with PUT /api/groups/{id}/members)",
                  .body = BodyKind::Buffered,
                  .handler = [deps](Request& req) { return createGroup(deps, req); }},
            Route{.method = Method::Get,
                  .pattern = "/api/groups",
                  .module = "images",
                  .summary = "The groups the caller owns or is a member of, by name",
                  .handler = [deps](Request& req) { return listGroups(deps, req); }},
            Route{.method = Method::Get,
                  .pattern = "/api/groups/{id}",
                  .module = "images",
                  .summary = "One group with its members (its owner and members)",
                  .handler = [deps](Request& req) { return getGroup(deps, req); }},
            Route{.method = Method::Patch,
                  .pattern = "/api/groups/{id}",
                  .module = "images",
                  .summary = "Rename a group {name} (owner only)",
                  .body = BodyKind::Buffered,
                  .handler = [deps](Request& req) { return patchGroup(deps, req); }},
            Route{.method = Method::Delete,
                  .pattern = "/api/groups/{id}",
                  .module = "images",
                  .summary = "Delete a group; albums shared with it stop reaching its members (owner only)",
                  .handler = [deps](Request& req) { return deleteGroup(deps, req); }},
            Route{.method = Method::Put,
                  .pattern = "/api/groups/{id}/members",
                  .module = "images",
                  .summary = "Set a group's members {userIds} (owner only; replaces them)",
                  .body = BodyKind::Buffered,
                  .handler = [deps](Request& req) { return setMembers(deps, req); }}};
}

}  // namespace obscura::images

// Sharing an album with people (DESIGN.md section 7): PUT /api/albums/{id}/users, PATCH|DELETE
// /api/albums/{id}/user/{userId} (Immich's shapes) and PUT /api/albums/{id}/groups. The album must be visible
// (404); then what the caller's role allows (403); then the body (400 unreadable, 422 a refused value, 409 a
// member already there). Rules and transactions: album_sharing_service.hpp.
#include <nlohmann/json.hpp>

#include "access/access_service.hpp"
#include "albums/album_routes.hpp"
#include "albums/album_sharing_service.hpp"

namespace obscura::images {

namespace {

Expected<storage::AlbumRole> readRole(const nlohmann::json& value, const std::string& where) {
    if (!value.is_string()) return badRequest(where + " must be \"viewer\" or \"editor\"");
    auto role = memberRoleNamed(value.get<std::string>());
    if (!role) return Error(ErrorCode::Invalid, where + " must be \"viewer\" or \"editor\"", "unknown_role");
    return *role;
}

// {field:[{idKey, role?}]}: role defaults to "viewer" (the least a share can give).
Expected<std::vector<MemberRole>> readRoles(const Request& req, const char* field, const char* idKey) {
    OBSCURA_TRY(body, JsonBody::parse(req));
    if (!body.has(field) || !body.json().at(field).is_array())
        return badRequest(std::string(field) + " must be an array of {" + idKey + ", role}");
    const auto& items = body.json().at(field);
    if (items.size() > kMaxBulkIds)
        return invalid(std::string(field) + " may hold at most " + std::to_string(kMaxBulkIds) + " entries");
    std::vector<MemberRole> out;
    for (const auto& item : items) {
        if (!item.is_object() || !item.contains(idKey) || !item.at(idKey).is_string())
            return badRequest(std::string(field) + " must be an array of {" + idKey + ", role}");
        MemberRole entry{item.at(idKey).get<std::string>(), storage::AlbumRole::Viewer};
        if (item.contains("role")) {
            OBSCURA_TRY(role, readRole(item.at("role"), std::string(field) + "[].role"));
            entry.role = role;
        }
        out.push_back(std::move(entry));
    }
    return out;
}

Expected<AlbumGrant> ownerGrant(const AlbumRouteDeps& deps, Request& req, const char* what) {
    OBSCURA_TRY(grant, deps.access.visibleAlbum(req.principal->userId, std::string(req.param("id"))));
    OBSCURA_TRY_STATUS(requireOwner(grant, what));
    return grant;
}

// The album after the change, re-read (counts, members) and shown as its owner sees it.
Expected<Response> albumAfter(const AlbumRouteDeps& deps, Request& req) {
    OBSCURA_TRY(grant, deps.access.visibleAlbum(req.principal->userId, std::string(req.param("id"))));
    OBSCURA_TRY(body, deps.albumBody(grant));
    return Response::json(200, dumped(body));
}

Expected<Response> addUsers(const AlbumRouteDeps& deps, Request& req) {
    OBSCURA_TRY(grant, ownerGrant(deps, req, "share it"));
    OBSCURA_TRY(members, readRoles(req, "albumUsers", "userId"));
    OBSCURA_TRY_STATUS(deps.sharing.addMembers(grant, members));
    return albumAfter(deps, req);
}

Expected<Response> changeRole(const AlbumRouteDeps& deps, Request& req) {
    OBSCURA_TRY(grant, ownerGrant(deps, req, "change roles"));
    OBSCURA_TRY(body, JsonBody::parse(req));
    if (!body.has("role")) return badRequest("role is required");
    OBSCURA_TRY(role, readRole(body.json().at("role"), "role"));
    OBSCURA_TRY_STATUS(deps.sharing.setMemberRole(grant, std::string(req.param("userId")), role));
    return albumAfter(deps, req);
}

Expected<Response> removeUser(const AlbumRouteDeps& deps, Request& req) {
    OBSCURA_TRY(grant, deps.access.visibleAlbum(req.principal->userId, std::string(req.param("id"))));
    OBSCURA_TRY_STATUS(deps.sharing.removeMember(grant, req.principal->userId, std::string(req.param("userId"))));
    return Response::noContent();
}

Expected<Response> setGroups(const AlbumRouteDeps& deps, Request& req) {
    OBSCURA_TRY(grant, ownerGrant(deps, req, "share it"));
    OBSCURA_TRY(groups, readRoles(req, "albumGroups", "groupId"));
    OBSCURA_TRY_STATUS(deps.sharing.setGroups(grant, groups));
    return albumAfter(deps, req);
}

}  // namespace

std::vector<Route> albumMemberRoutes(const AlbumRouteDeps& deps) {
    return {Route{.method = Method::Put,
                  .pattern = "/api/albums/{id}/users",
                  .module = "images",
                  .summary = "Share the album {albumUsers:[{userId, role:viewer|editor}]} → album (Immich; owner only)",
                  .body = BodyKind::Buffered,
                  .handler = [deps](Request& req) { return addUsers(deps, req); }},
            Route{.method = Method::Patch,
                  .pattern = "/api/albums/{id}/user/{userId}",
                  .module = "images",
                  .summary = "Change a member's role {role} → album (Immich; owner only)",
                  .body = BodyKind::Buffered,
                  .handler = [deps](Request& req) { return changeRole(deps, req); }},
            Route{.method = Method::Delete,
                  .pattern = "/api/albums/{id}/user/{userId}",
                  .module = "images",
                  .summary = "Remove a member (owner), or leave the album (userId \"me\") (Immich)",
                  .handler = [deps](Request& req) { return removeUser(deps, req); }},
            Route{.method = Method::Put,
                  .pattern = "/api/albums/{id}/groups",
                  .module = "images",
                  .summary = "Share the album with exactly these groups {albumGroups:[{groupId, role}]} → album"
                             " (owner only)",
                  .body = BodyKind::Buffered,
                  .handler = [deps](Request& req) { return setGroups(deps, req); }}};
}

}  // namespace obscura::images

// GET|POST /api/shared-links and DELETE /api/shared-links/{id}: the owner's side of share links. A link shows
// one of the caller's albums or a set of the caller's assets; a body naming anything else (another user's
// album or asset, a trashed asset) is 404 as a whole. Rules and transactions: share_link_service.hpp.
#include "sharing/share_link_routes.hpp"

#include <nlohmann/json.hpp>

#include "albums/album_json.hpp"
#include "albums/album_routes.hpp"
#include "obscura/base/rfc3339.hpp"
#include "sharing/share_link_service.hpp"

namespace obscura::images {

namespace {

// {albumId? | assetIds?, expiresAt?, password?, allowDownload?}; each field's rule is checked as it is read, so
// the first bad field decides the answer.
Expected<NewShareLink> readNewLink(const ShareLinkService& links, const Request& req) {
    OBSCURA_TRY(body, jsonObjectBody(req));
    NewShareLink link;
    const bool hasAlbum = body.contains("albumId") && !body["albumId"].is_null();
    const bool hasAssets = body.contains("assetIds") && !body["assetIds"].is_null();
    if (hasAlbum == hasAssets) return badRequest("a share link needs either albumId or assetIds");
    if (hasAlbum) {
        if (!body["albumId"].is_string()) return badRequest("albumId must be an album id");
        link.albumId = body["albumId"].get<std::string>();
    } else {
        OBSCURA_TRY(ids, idsField(body, "assetIds"));
        OBSCURA_TRY_STATUS(ShareLinkService::checkAssetCount(ids.size()));
        link.assetIds = std::move(ids);
    }
    if (body.contains("expiresAt") && !body["expiresAt"].is_null()) {
        if (!body["expiresAt"].is_string()) return badRequest("expiresAt must be an RFC 3339 time");
        auto parsed = parseRfc3339(body["expiresAt"].get<std::string>());
        if (!parsed) return invalid("expiresAt must be an RFC 3339 time with offset");
        OBSCURA_TRY_STATUS(links.checkExpiry(parsed->utcUs));
        link.expiresAt = parsed->text;
        link.expiresAtUs = parsed->utcUs;
    }
    if (body.contains("password") && !body["password"].is_null()) {
        if (!body["password"].is_string()) return badRequest("password must be a string");
        auto password = body["password"].get<std::string>();
        OBSCURA_TRY_STATUS(ShareLinkService::checkPassword(password));
        link.password = std::move(password);
    }
    if (body.contains("allowDownload")) {
        if (!body["allowDownload"].is_boolean()) return badRequest("allowDownload must be true or false");
        link.allowDownload = body["allowDownload"].get<bool>();
    }
    return link;
}

Expected<Response> createLink(ShareLinkService& links, Request& req) {
    OBSCURA_TRY(input, readNewLink(links, req));
    OBSCURA_TRY(link, links.create(req.principal->userId, input));
    return Response::json(201, sharedLinkJson(link).dump());
}

Expected<Response> listLinks(ShareLinkService& links, Request& req) {
    OBSCURA_TRY(found, links.list(req.principal->userId));
    auto body = nlohmann::json::array();
    for (const auto& link : found) body.push_back(sharedLinkJson(link));
    return Response::json(200, body.dump());
}

Expected<Response> deleteLink(ShareLinkService& links, Request& req) {
    OBSCURA_TRY_STATUS(links.revoke(req.principal->userId, std::string(req.param("id"))));
    return Response::noContent();
}

Route route(Method method, std::string pattern, std::string summary, Handler handler, BodyKind body = BodyKind::None) {
    Route r;
    r.method = method;
    r.pattern = std::move(pattern);
    r.auth = AuthPolicy::User;
    r.module = "images";
    r.summary = std::move(summary);
    r.body = body;
    r.handler = std::move(handler);
    return r;
}

}  // namespace

std::vector<Route> shareLinkRoutes(ShareLinkService& links) {
    std::vector<Route> routes;
    routes.push_back(route(Method::Get, "/api/shared-links", "The caller's share links, newest first",
                           [&links](Request& req) { return listLinks(links, req); }));
    routes.push_back(route(
        Method::Post, "/api/shared-links",
        "Share an album or assets {albumId? | assetIds?, expiresAt?, password?, allowDownload?}",
        [&links](Request& req) { return createLink(links, req); }, BodyKind::Buffered));
    routes.push_back(route(Method::Delete, "/api/shared-links/{id}", "Revoke a share link",
                           [&links](Request& req) { return deleteLink(links, req); }));
    return routes;
}

}  // namespace obscura::images

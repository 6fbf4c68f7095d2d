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

// Present and not null: share links treat a null field as an absent one (as they always have).
bool given(const JsonBody& body, const char* field) { return body.has(field) && !body.json().at(field).is_null(); }

// {albumId? | assetIds?, expiresAt?, password?, allowDownload?}; each field's rule is checked as it is read, so
// the first bad field decides the answer.
Expected<NewShareLink> readNewLink(const ShareLinkService& links, const Request& req) {
    OBSCURA_TRY(body, JsonBody::parse(req));
    NewShareLink link;
    const bool hasAlbum = given(body, "albumId");
    if (hasAlbum == given(body, "assetIds")) return badRequest("a share link needs either albumId or assetIds");
    if (hasAlbum) {
        OBSCURA_TRY(albumId, body.requiredString("albumId"));
        link.albumId = std::move(albumId);
    } else {
        OBSCURA_TRY(ids, bulkIds(body, "assetIds"));
        OBSCURA_TRY_STATUS(ShareLinkService::checkAssetCount(ids.size()));
        link.assetIds = std::move(ids);
    }
    if (given(body, "expiresAt")) {
        OBSCURA_TRY(expiresAt, body.requiredString("expiresAt"));
        auto parsed = parseRfc3339(expiresAt);
        if (!parsed) return invalid("expiresAt must be an RFC 3339 time with offset");
        OBSCURA_TRY_STATUS(links.checkExpiry(parsed->utcUs));
        link.expiresAt = parsed->text;
        link.expiresAtUs = parsed->utcUs;
    }
    if (given(body, "password")) {
        OBSCURA_TRY(password, body.requiredString("password"));
        OBSCURA_TRY_STATUS(ShareLinkService::checkPassword(password));
        link.password = std::move(password);
    }
    OBSCURA_TRY(allowDownload, body.optionalBool("allowDownload"));
    if (allowDownload) link.allowDownload = *allowDownload;
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

}  // namespace

std::vector<Route> shareLinkRoutes(ShareLinkService& links) {
    return {Route{.method = Method::Get,
                  .pattern = "/api/shared-links",
                  .module = "images",
                  .summary = "The caller's share links, newest first",
                  .handler = [&links](Request& req) { return listLinks(links, req); }},
            Route{.method = Method::Post,
                  .pattern = "/api/shared-links",
                  .module = "images",
                  .summary = "Share an album or assets {albumId? | assetIds?, expiresAt?, password?, allowDownload?}",
                  .body = BodyKind::Buffered,
                  .handler = [&links](Request& req) { return createLink(links, req); }},
            Route{.method = Method::Delete,
                  .pattern = "/api/shared-links/{id}",
                  .module = "images",
                  .summary = "Revoke a share link",
                  .handler = [&links](Request& req) { return deleteLink(links, req); }}};
}

}  // namespace obscura::images

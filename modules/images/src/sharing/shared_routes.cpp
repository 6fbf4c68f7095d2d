// The public side of share links: GET /api/shared/{key}, POST /api/shared/{key}/unlock and the media under
// /api/shared/{key}/assets/{id}/…. Unknown, expired and revoked links are all 404 alike; a link with a password
// answers 401 password_required until the unlock cookie — scoped to Path=/api/shared/{key}, so the password
// itself never travels in a URL — comes with the request. Rules and lookups: share_link_service.hpp.
#include <nlohmann/json.hpp>

#include "albums/album_json.hpp"
#include "assets/asset_json.hpp"
#include "download_handler.hpp"
#include "obscura/kernel/json_body.hpp"
#include "sharing/share_link_routes.hpp"
#include "sharing/share_link_service.hpp"

namespace obscura::images {

namespace {

constexpr const char* kUnlockCookie = "obscura_share";

struct Deps {
    ShareLinkService& links;
    DownloadDeps& downloads;
};

Expected<storage::SharedLinkRecord> openLink(Deps& deps, const Request& req) {
    return deps.links.open(std::string(req.param("key")), req.cookie(kUnlockCookie));
}

nlohmann::json publicLinkJson(const storage::SharedLinkRecord& link) {
    return {{"id", link.id},
            {"type", link.albumId ? "album" : "assets"},
            {"expiresAt", link.expiresAt ? nlohmann::json(*link.expiresAt) : nlohmann::json(nullptr)},
            {"allowDownload", link.allowDownload},
            {"hasPassword", link.passwordHash.has_value()}};
}

Expected<Response> showLink(Deps& deps, Request& req) {
    OBSCURA_TRY(link, openLink(deps, req));
    nlohmann::json body = {{"link", publicLinkJson(link)}};
    OBSCURA_TRY(album, deps.links.album(link));
    if (album) {
        auto albumBody = albumJson(*album);
        albumBody.erase("ownerId");
        body["album"] = std::move(albumBody);
    }
    OBSCURA_TRY(assets, deps.links.assets(link));
    body["items"] = nlohmann::json::array();
    for (const auto& asset : assets) body["items"].push_back(assetJson(asset));
    Response response = Response::json(200, body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    response.headers.set("Cache-Control", "private, no-store");
    return response;
}

Expected<Response> unlock(Deps& deps, Request& req) {
    const std::string key(req.param("key"));
    OBSCURA_TRY(link, deps.links.find(key));
    if (!link.passwordHash) return Response::noContent();
    // Throttled before the body is read and before any hashing, per link and per client IP, like sign-ins.
    OBSCURA_TRY_STATUS(deps.links.throttle(link, req.clientIp));
    OBSCURA_TRY(body, JsonBody::parse(req));
    OBSCURA_TRY(password, body.requiredString("password"));
    OBSCURA_TRY(token, deps.links.unlock(link, password, req.clientIp));
    Response response = Response::noContent();
    std::string cookie =
        std::string(kUnlockCookie) + "=" + token + "; Path=/api/shared/" + key + "; HttpOnly; SameSite=Lax";
    if (req.secure) cookie += "; Secure";
    response.headers.add("Set-Cookie", std::move(cookie));
    return response;
}

Expected<Response> media(Deps& deps, Request& req, std::string_view what) {
    OBSCURA_TRY(link, openLink(deps, req));
    OBSCURA_TRY(asset, deps.links.asset(link, std::string(req.param("id"))));
    if (what == "original") {
        OBSCURA_TRY_STATUS(ShareLinkService::checkDownload(link));
        return serveOriginalOf(deps.downloads, req, asset);
    }
    if (what == "video") return serveDerivative(deps.downloads, req, asset, storage::kDerivativeVideo);
    OBSCURA_TRY(kind, thumbnailKind(req));
    return serveDerivative(deps.downloads, req, asset, kind);
}

}  // namespace

std::vector<Route> sharedRoutes(ShareLinkService& links, DownloadDeps& downloads) {
    // Owned by the route handlers: the routes live as long as the router, which outlives every request.
    auto deps = std::make_shared<Deps>(Deps{links, downloads});
    return {Route{.method = Method::Get,
                  .pattern = "/api/shared/{key}",
                  .auth = AuthPolicy::ShareLink,
                  .module = "images",
                  .summary = "What a share link shows: {link, album?, items}; 401 password_required while locked",
                  .handler = [deps](Request& req) { return showLink(*deps, req); }},
            Route{.method = Method::Post,
                  .pattern = "/api/shared/{key}/unlock",
                  .auth = AuthPolicy::ShareLink,
                  .module = "images",
                  .summary = "Unlock a share link with {password}: 204 and a cookie scoped to the link's path",
                  .body = BodyKind::Buffered,
                  .handler = [deps](Request& req) { return unlock(*deps, req); }},
            Route{.method = Method::Get,
                  .pattern = "/api/shared/{key}/assets/{id}/thumbnail",
                  .auth = AuthPolicy::ShareLink,
                  .module = "images",
                  .summary = "A shared asset's thumbnail or preview (?size=); 404 not_ready until it exists",
                  .handler = [deps](Request& req) { return media(*deps, req, "thumbnail"); }},
            Route{.method = Method::Get,
                  .pattern = "/api/shared/{key}/assets/{id}/original",
                  .auth = AuthPolicy::ShareLink,
                  .module = "images",
                  .summary = "A shared asset's original file (403 when the link does not allow downloads)",
                  .handler = [deps](Request& req) { return media(*deps, req, "original"); }},
            Route{.method = Method::Get,
                  .pattern = "/api/shared/{key}/assets/{id}/video",
                  .auth = AuthPolicy::ShareLink,
                  .module = "images",
                  .summary = "A shared video's browser-playable MP4; 404 not_ready until it exists",
                  .handler = [deps](Request& req) { return media(*deps, req, "video"); }}};
}

}  // namespace obscura::images

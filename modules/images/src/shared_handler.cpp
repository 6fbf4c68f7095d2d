// The public side of share links: GET /api/shared/{key}, POST /api/shared/{key}/unlock and the media under
// /api/shared/{key}/assets/{id}/…. Every request looks the link up again, so expiry, revocation (deletion), a
// password and whether the asset still belongs to the link are checked each time. Unknown, expired and revoked
// links are all 404 alike; a link with a password answers 401 password_required until the unlock cookie —
// scoped to Path=/api/shared/{key}, so the password itself never travels in a URL — comes with the request.
#include <nlohmann/json.hpp>

#include "album_json.hpp"
#include "album_routes.hpp"
#include "asset_json.hpp"
#include "download_handler.hpp"
#include "link_secrets.hpp"
#include "obscura/auth/password_guard.hpp"
#include "obscura/base/clock.hpp"
#include "obscura/base/ids.hpp"
#include "obscura/storage/storage.hpp"

namespace obscura::images {

namespace {

constexpr const char* kUnlockCookie = "obscura_share";
constexpr std::size_t kMaxKeyLength = 64;

struct Deps {
    storage::Storage& storage;
    auth::PasswordGuard& guard;
    DownloadDeps& downloads;
    const Clock& clock;
};

Error linkNotFound() { return notFound("share link not found"); }

// The live link named by the path's key (404 otherwise), before its password is considered.
Expected<storage::SharedLinkRecord> findLink(storage::Storage& storage, const Clock& clock, const Request& req) {
    const std::string key(req.param("key"));
    if (key.empty() || key.size() > kMaxKeyLength) return linkNotFound();
    std::optional<storage::SharedLinkRecord> found;
    OBSCURA_TRY_STATUS(storage.run([&](storage::Repositories& repos) -> Status {
        OBSCURA_TRY(link, repos.sharedLinks().findSharedLinkByKeyHash(linkKeyHash(key)));
        found = std::move(link);
        return {};
    }));
    // The hash matched; comparing the keys themselves (in constant time) guards against a hash collision.
    if (!found || !equalSecrets(found->key, key)) return linkNotFound();
    if (found->expiresAtUs && *found->expiresAtUs <= clock.nowUs()) return linkNotFound();
    return std::move(*found);
}

bool unlocked(const storage::SharedLinkRecord& link, const Request& req) {
    if (!link.passwordHash) return true;
    auto cookie = req.cookie(kUnlockCookie);
    return cookie && equalSecrets(*cookie, unlockToken(link.id, *link.passwordHash));
}

// The link, open to this request: 404 when gone, 401 password_required while locked.
Expected<storage::SharedLinkRecord> openLink(storage::Storage& storage, const Clock& clock, const Request& req) {
    OBSCURA_TRY(link, findLink(storage, clock, req));
    if (!unlocked(link, req))
        return Error(ErrorCode::Unauthenticated, "this share link needs its password", "password_required");
    return link;
}

nlohmann::json publicLinkJson(const storage::SharedLinkRecord& link) {
    return {{"id", link.id},
            {"type", link.albumId ? "album" : "assets"},
            {"expiresAt", link.expiresAt ? nlohmann::json(*link.expiresAt) : nlohmann::json(nullptr)},
            {"allowDownload", link.allowDownload},
            {"hasPassword", link.passwordHash.has_value()}};
}

Expected<std::vector<storage::AssetRecord>> linkAssets(storage::Storage& storage,
                                                       const storage::SharedLinkRecord& link) {
    if (link.albumId) return albumAssets(storage, link.ownerId, *link.albumId);
    storage::AssetQuery query;
    query.filter.ownerId = link.ownerId;
    query.filter.sharedLinkId = link.id;
    query.filter.archived.reset();
    query.limit = 500;  // a link holds at most 1000 assets: two pages
    return allPagesOf(storage, std::move(query));
}

Expected<Response> showLink(Deps& deps, Request& req) {
    OBSCURA_TRY(link, openLink(deps.storage, deps.clock, req));
    nlohmann::json body = {{"link", publicLinkJson(link)}};
    if (link.albumId) {
        OBSCURA_TRY(album, ownedAlbum(deps.storage, link.ownerId, *link.albumId));
        auto albumBody = albumJson(album);
        albumBody.erase("ownerId");
        body["album"] = std::move(albumBody);
    }
    OBSCURA_TRY(assets, linkAssets(deps.storage, link));
    body["items"] = nlohmann::json::array();
    for (const auto& asset : assets) body["items"].push_back(assetJson(asset));
    Response response = Response::json(200, body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    response.headers.set("Cache-Control", "private, no-store");
    return response;
}

Expected<Response> unlock(Deps& deps, Request& req) {
    OBSCURA_TRY(link, findLink(deps.storage, deps.clock, req));
    if (!link.passwordHash) return Response::noContent();
    // Throttled before any hashing, per link and per client IP, like sign-ins.
    OBSCURA_TRY_STATUS(deps.guard.check(link.id, req.clientIp));
    OBSCURA_TRY(body, jsonObjectBody(req));
    if (!body.contains("password") || !body["password"].is_string()) return badRequest("password is required");
    OBSCURA_TRY(matches, deps.guard.verify(*link.passwordHash, body["password"].get<std::string>()));
    if (!matches) {
        deps.guard.failed(link.id, req.clientIp);
        return Error(ErrorCode::Unauthenticated, "wrong password for this share link", "password_required");
    }
    deps.guard.succeeded(link.id);
    Response response = Response::noContent();
    std::string cookie = std::string(kUnlockCookie) + "=" + unlockToken(link.id, *link.passwordHash) +
                         "; Path=/api/shared/" + std::string(req.param("key")) + "; HttpOnly; SameSite=Lax";
    if (req.secure) cookie += "; Secure";
    response.headers.add("Set-Cookie", std::move(cookie));
    return response;
}

// The link's asset named by the path: 404 unless the link (still) shows it and it is not in the trash.
Expected<storage::AssetRecord> linkedAsset(Deps& deps, const storage::SharedLinkRecord& link, const Request& req) {
    const std::string id(req.param("id"));
    if (!isUuid(id)) return notFound("asset not found");
    std::optional<storage::AssetRecord> found;
    OBSCURA_TRY_STATUS(deps.storage.run([&](storage::Repositories& repos) -> Status {
        OBSCURA_TRY(shown, repos.sharedLinks().sharedLinkHasAsset(link.id, id));
        if (!shown) return {};
        OBSCURA_TRY(asset, repos.images().findAsset(link.ownerId, id));
        found = std::move(asset);
        return {};
    }));
    if (!found || found->isTrashed) return notFound("asset not found");
    return std::move(*found);
}

Expected<Response> media(Deps& deps, Request& req, std::string_view what) {
    OBSCURA_TRY(link, openLink(deps.storage, deps.clock, req));
    OBSCURA_TRY(asset, linkedAsset(deps, link, req));
    if (what == "original") {
        if (!link.allowDownload) return Error(ErrorCode::Forbidden, "this share link does not allow downloads");
        return serveOriginalOf(deps.downloads, req, asset);
    }
    if (what == "video") return serveDerivative(deps.downloads, req, asset, storage::kDerivativeVideo);
    OBSCURA_TRY(kind, thumbnailKind(req));
    return serveDerivative(deps.downloads, req, asset, kind);
}

Route route(Method method, std::string pattern, std::string summary, Handler handler, BodyKind body = BodyKind::None) {
    Route r;
    r.method = method;
    r.pattern = std::move(pattern);
    r.auth = AuthPolicy::ShareLink;
    r.module = "images";
    r.summary = std::move(summary);
    r.body = body;
    r.handler = std::move(handler);
    return r;
}

}  // namespace

std::vector<Route> sharedRoutes(storage::Storage& storage, auth::PasswordGuard& guard, DownloadDeps& downloads,
                                const Clock& clock) {
    // Owned by the route handlers: the routes live as long as the router, which outlives every request.
    auto deps = std::make_shared<Deps>(Deps{storage, guard, downloads, clock});
    std::vector<Route> routes;
    routes.push_back(route(Method::Get, "/api/shared/{key}",
                           "What a share link shows: {link, album?, items}; 401 password_required while locked",
                           [deps](Request& req) { return showLink(*deps, req); }));
    routes.push_back(route(
        Method::Post, "/api/shared/{key}/unlock",
        "Unlock a share link with {password}: 204 and a cookie scoped to the link's path",
        [deps](Request& req) { return unlock(*deps, req); }, BodyKind::Buffered));
    routes.push_back(route(Method::Get, "/api/shared/{key}/assets/{id}/thumbnail",
                           "A shared asset's thumbnail or preview (?size=); 404 not_ready until it exists",
                           [deps](Request& req) { return media(*deps, req, "thumbnail"); }));
    routes.push_back(route(Method::Get, "/api/shared/{key}/assets/{id}/original",
                           "A shared asset's original file (403 when the link does not allow downloads)",
                           [deps](Request& req) { return media(*deps, req, "original"); }));
    routes.push_back(route(Method::Get, "/api/shared/{key}/assets/{id}/video",
                           "A shared video's browser-playable MP4; 404 not_ready until it exists",
                           [deps](Request& req) { return media(*deps, req, "video"); }));
    return routes;
}

}  // namespace obscura::images

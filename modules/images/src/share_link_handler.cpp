// GET|POST /api/shared-links and DELETE /api/shared-links/{id}: the owner's side of share links. A link shows
// one of the caller's albums or a set of the caller's assets; a body naming anything else (another user's
// album or asset, a trashed asset) is 404 as a whole, so nothing of another user is ever shared or revealed.
#include <algorithm>
#include <nlohmann/json.hpp>

#include "album_json.hpp"
#include "album_routes.hpp"
#include "link_secrets.hpp"
#include "obscura/auth/password_guard.hpp"
#include "obscura/base/clock.hpp"
#include "obscura/base/ids.hpp"
#include "obscura/base/rfc3339.hpp"
#include "obscura/storage/storage.hpp"

namespace obscura::images {

namespace {

constexpr std::size_t kMaxLinkAssets = 1000;
constexpr std::size_t kMaxPasswordBytes = 1024;

struct LinkRequest {
    std::optional<std::string> albumId;
    std::vector<std::string> assetIds;
    std::optional<std::string> password;
    storage::SharedLinkRecord record;
};

Expected<LinkRequest> parseLink(const Request& req, std::int64_t nowUs) {
    OBSCURA_TRY(body, jsonObjectBody(req));
    LinkRequest out;
    auto& link = out.record;
    const bool hasAlbum = body.contains("albumId") && !body["albumId"].is_null();
    const bool hasAssets = body.contains("assetIds") && !body["assetIds"].is_null();
    if (hasAlbum == hasAssets) return badRequest("a share link needs either albumId or assetIds");
    if (hasAlbum) {
        if (!body["albumId"].is_string()) return badRequest("albumId must be an album id");
        out.albumId = body["albumId"].get<std::string>();
    } else {
        OBSCURA_TRY(ids, idsField(body, "assetIds"));
        if (ids.empty()) return invalid("assetIds must name at least one asset");
        if (ids.size() > kMaxLinkAssets)
            return invalid("a share link may show at most " + std::to_string(kMaxLinkAssets) + " assets");
        out.assetIds = std::move(ids);
    }
    if (body.contains("expiresAt") && !body["expiresAt"].is_null()) {
        if (!body["expiresAt"].is_string()) return badRequest("expiresAt must be an RFC 3339 time");
        auto parsed = parseRfc3339(body["expiresAt"].get<std::string>());
        if (!parsed) return invalid("expiresAt must be an RFC 3339 time with offset");
        if (parsed->utcUs <= nowUs) return invalid("expiresAt must be in the future");
        link.expiresAt = parsed->text;
        link.expiresAtUs = parsed->utcUs;
    }
    if (body.contains("password") && !body["password"].is_null()) {
        if (!body["password"].is_string()) return badRequest("password must be a string");
        auto password = body["password"].get<std::string>();
        if (password.empty()) return invalid("password must not be empty (leave it out for a link without one)");
        if (password.size() > kMaxPasswordBytes) return invalid("password is too long");
        out.password = std::move(password);
    }
    if (body.contains("allowDownload")) {
        if (!body["allowDownload"].is_boolean()) return badRequest("allowDownload must be true or false");
        link.allowDownload = body["allowDownload"].get<bool>();
    }
    return out;
}

// Every id names one of the owner's assets outside the trash (404 naming the first that does not).
Status checkAssets(storage::Repositories& repos, const std::string& owner, const std::vector<std::string>& ids) {
    for (const auto& id : ids) {
        if (!isUuid(id)) return notFound("asset not found: " + id);
        OBSCURA_TRY(asset, repos.images().findAsset(owner, id));
        if (!asset || asset->isTrashed) return notFound("asset not found: " + id);
    }
    return {};
}

Expected<Response> createLink(storage::Storage& storage, auth::PasswordGuard& guard, const Clock& clock, Request& req) {
    const std::string& owner = req.principal->userId;
    const auto nowUs = clock.nowUs();
    OBSCURA_TRY(parsed, parseLink(req, nowUs));
    auto& link = parsed.record;
    // Existence and ownership (404) come before the password is hashed.
    if (parsed.albumId) {
        OBSCURA_TRY(album, ownedAlbum(storage, owner, *parsed.albumId));
        link.albumId = album.album.id;
    } else {
        OBSCURA_TRY_STATUS(
            storage.run([&](storage::Repositories& repos) { return checkAssets(repos, owner, parsed.assetIds); }));
        link.assetIds = parsed.assetIds;
    }
    if (parsed.password) {
        OBSCURA_TRY(hash, guard.hash(*parsed.password));
        link.passwordHash = std::move(hash);
    }
    link.id = newUuid();
    link.ownerId = owner;
    link.key = newLinkKey();
    link.keyHash = linkKeyHash(link.key);
    link.createdAt = formatRfc3339(nowUs);
    link.createdAtUs = nowUs;
    // Checked again in the transaction that writes the link: an asset or album deleted meanwhile is 404, not a
    // broken reference.
    OBSCURA_TRY_STATUS(storage.transaction([&](storage::Repositories& repos) -> Status {
        if (link.albumId) {
            OBSCURA_TRY(album, repos.albums().findAlbum(owner, *link.albumId));
            if (!album) return notFound("album not found");
        }
        OBSCURA_TRY_STATUS(checkAssets(repos, owner, link.assetIds));
        return repos.sharedLinks().createSharedLink(link);
    }));
    std::sort(link.assetIds.begin(), link.assetIds.end());
    link.assetIds.erase(std::unique(link.assetIds.begin(), link.assetIds.end()), link.assetIds.end());
    return Response::json(201, sharedLinkJson(link).dump());
}

Expected<Response> listLinks(storage::Storage& storage, Request& req) {
    std::vector<storage::SharedLinkRecord> links;
    OBSCURA_TRY_STATUS(storage.run([&](storage::Repositories& repos) -> Status {
        OBSCURA_TRY(found, repos.sharedLinks().listSharedLinks(req.principal->userId));
        links = std::move(found);
        return {};
    }));
    auto body = nlohmann::json::array();
    for (const auto& link : links) body.push_back(sharedLinkJson(link));
    return Response::json(200, body.dump());
}

Expected<Response> deleteLink(storage::Storage& storage, Request& req) {
    const std::string id(req.param("id"));
    if (!isUuid(id)) return notFound("share link not found");
    bool deleted = false;
    OBSCURA_TRY_STATUS(storage.run([&](storage::Repositories& repos) -> Status {
        OBSCURA_TRY(done, repos.sharedLinks().deleteSharedLink(req.principal->userId, id));
        deleted = done;
        return {};
    }));
    if (!deleted) return notFound("share link not found");
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

std::vector<Route> shareLinkRoutes(storage::Storage& storage, auth::PasswordGuard& guard, const Clock& clock) {
    std::vector<Route> routes;
    routes.push_back(route(Method::Get, "/api/shared-links", "The caller's share links, newest first",
                           [&storage](Request& req) { return listLinks(storage, req); }));
    routes.push_back(route(
        Method::Post, "/api/shared-links",
        "Share an album or assets {albumId? | assetIds?, expiresAt?, password?, allowDownload?}",
        [&storage, &guard, &clock](Request& req) { return createLink(storage, guard, clock, req); },
        BodyKind::Buffered));
    routes.push_back(route(Method::Delete, "/api/shared-links/{id}", "Revoke a share link",
                           [&storage](Request& req) { return deleteLink(storage, req); }));
    return routes;
}

}  // namespace obscura::images

// PUT|DELETE /api/albums/{id}/assets {ids} → [{id, success, error?}] (Immich). Only the caller's own assets
// can be added: an id of another user's asset answers not_found exactly like an id that names nothing, so a
// body mixing users' ids never touches (or reveals) the other user's objects. The same id twice in one call
// is fine: the second answers duplicate (add) or not_found (remove).
#include <nlohmann/json.hpp>

#include "album_routes.hpp"
#include "obscura/base/clock.hpp"
#include "obscura/base/ids.hpp"
#include "obscura/base/rfc3339.hpp"
#include "obscura/storage/storage.hpp"

namespace obscura::images {

namespace {

const char* errorName(storage::AlbumAssetChange change) {
    switch (change) {
        case storage::AlbumAssetChange::Done:
            return nullptr;
        case storage::AlbumAssetChange::Duplicate:
            return "duplicate";
        case storage::AlbumAssetChange::NotFound:
            break;
    }
    return "not_found";
}

Expected<Response> changeAssets(storage::Storage& storage, const Clock& clock, Request& req, bool add) {
    const std::string& owner = req.principal->userId;
    OBSCURA_TRY(album, ownedAlbum(storage, owner, std::string(req.param("id"))));
    OBSCURA_TRY(body, jsonObjectBody(req));
    OBSCURA_TRY(ids, idsField(body, "ids"));
    // Ids that are not UUIDs name nothing; they are answered without reaching the database.
    std::vector<std::string> valid;
    for (const auto& id : ids)
        if (isUuid(id)) valid.push_back(id);
    const auto nowUs = clock.nowUs();
    const auto updatedAt = formatRfc3339(nowUs);
    std::vector<storage::AlbumAssetChange> changes;
    OBSCURA_TRY_STATUS(storage.transaction([&](storage::Repositories& repos) -> Status {
        if (valid.empty()) return {};
        if (add) {
            OBSCURA_TRY(done, repos.albums().addAlbumAssets(owner, album.album.id, valid, nowUs, updatedAt));
            changes = std::move(done);
        } else {
            OBSCURA_TRY(done, repos.albums().removeAlbumAssets(owner, album.album.id, valid, updatedAt));
            changes = std::move(done);
        }
        return {};
    }));
    auto results = nlohmann::json::array();
    std::size_t next = 0;
    for (const auto& id : ids) {
        nlohmann::json item = {{"id", id}};
        const char* error = "not_found";
        if (isUuid(id) && next < changes.size()) error = errorName(changes[next++]);
        item["success"] = error == nullptr;
        if (error) item["error"] = error;
        results.push_back(std::move(item));
    }
    return Response::json(200, results.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

Route route(Method method, std::string summary, bool add, storage::Storage& storage, const Clock& clock) {
    Route r;
    r.method = method;
    r.pattern = "/api/albums/{id}/assets";
    r.auth = AuthPolicy::User;
    r.module = "images";
    r.summary = std::move(summary);
    r.body = BodyKind::Buffered;
    r.handler = [&storage, &clock, add](Request& req) { return changeAssets(storage, clock, req, add); };
    return r;
}

}  // namespace

std::vector<Route> albumAssetRoutes(storage::Storage& storage, const Clock& clock) {
    return {
        route(Method::Put, "Add the caller's assets {ids} → [{id, success, error?}] (Immich)", true, storage, clock),
        route(Method::Delete, "Remove assets {ids} from the album → [{id, success, error?}] (Immich)", false, storage,
              clock)};
}

}  // namespace obscura::images

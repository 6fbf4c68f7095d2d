#include "assets/statistics_routes.hpp"

#include <nlohmann/json.hpp>

#include "obscura/images/media_types.hpp"
#include "obscura/storage/storage.hpp"

namespace obscura::images {

Route statisticsRoute(storage::Storage& storage) {
    Route route;
    route.method = Method::Get;
    route.pattern = "/api/assets/statistics";
    route.auth = AuthPolicy::User;
    route.module = "images";
    route.summary = "Counts of the caller's images and videos (Immich)";
    route.handler = [&storage](Request& req) -> Expected<Response> {
        storage::AssetCounts counts;
        OBSCURA_TRY_STATUS(storage.run([&](storage::Repositories& repos) -> Status {
            OBSCURA_TRY(c, repos.images().countAssets(req.principal->userId));
            counts = c;
            return {};
        }));
        nlohmann::json body = {
            {"images", counts.images}, {"videos", counts.videos}, {"total", counts.images + counts.videos}};
        return Response::json(200, body.dump());
    };
    return route;
}

Route mediaTypesRoute() {
    Route route;
    route.method = Method::Get;
    route.pattern = "/api/server/media-types";
    route.auth = AuthPolicy::Anonymous;
    route.module = "images";
    route.summary = "File extensions accepted for upload (Immich)";
    route.handler = [](Request&) -> Expected<Response> {
        nlohmann::json body = {{"image", nlohmann::json::array()},
                               {"video", nlohmann::json::array()},
                               {"sidecar", nlohmann::json::array()}};
        for (const auto& t : acceptedMediaTypes())
            for (auto ext : t.extensions) body[t.type == AssetType::Image ? "image" : "video"].push_back(ext);
        return Response::json(200, body.dump());
    };
    return route;
}

}  // namespace obscura::images

#include "assets/statistics_routes.hpp"

#include <nlohmann/json.hpp>

#include "obscura/images/media_types.hpp"
#include "obscura/kernel/storage_calls.hpp"
#include "obscura/storage/storage.hpp"

namespace obscura::images {

Route statisticsRoute(storage::Storage& storage) {
    return Route{.method = Method::Get,
                 .pattern = "/api/assets/statistics",
                 .module = "images",
                 .summary = "Counts of the caller's images and videos (Immich)",
                 .handler = [&storage](Request& req) -> Expected<Response> {
                     OBSCURA_TRY(counts, withRepos(storage, [&](storage::Repositories& repos) {
                                     return repos.images().countAssets(req.principal->userId);
                                 }));
                     nlohmann::json body = {{"images", counts.images},
                                            {"videos", counts.videos},
                                            {"total", counts.images + counts.videos}};
                     return Response::json(200, body.dump());
                 }};
}

Route mediaTypesRoute() {
    return Route{.method = Method::Get,
                 .pattern = "/api/server/media-types",
                 .auth = AuthPolicy::Anonymous,
                 .module = "images",
                 .summary = "File extensions accepted for upload (Immich)",
                 .handler = [](Request&) -> Expected<Response> {
                     nlohmann::json body = {{"image", nlohmann::json::array()},
                                            {"video", nlohmann::json::array()},
                                            // Immich's CLI then sends a file's .xmp as `sidecarData`.
                                            {"sidecar", nlohmann::json::array({".xmp"})}};
                     for (const auto& t : acceptedMediaTypes())
                         for (auto ext : t.extensions)
                             body[t.type == AssetType::Image ? "image" : "video"].push_back(ext);
                     return Response::json(200, body.dump());
                 }};
}

}  // namespace obscura::images

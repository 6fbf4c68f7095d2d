#include "features_routes.hpp"

#include <nlohmann/json.hpp>

namespace obscura::media {

Route featuresRoute(Features features) {
    return Route{
        .method = Method::Get,
        .pattern = "/api/server/features",
        .auth = AuthPolicy::Anonymous,
        .module = "media",
        .summary = "Media features this server offers (video conversion, MP3 extraction, e-mail, the map's tiles)",
        .handler = [features](Request&) -> Expected<Response> {
            nlohmann::json body = {{"trash", true},
                                   {"videoConversion", features.videoConversion},
                                   {"audioExtraction", features.audioExtraction},
                                   {"email", features.email},
                                   {"map", !features.mapTileUrl.empty()},
                                   {"mapTileUrl", features.mapTileUrl}};
            return Response::json(200, body.dump());
        }};
}

}  // namespace obscura::media

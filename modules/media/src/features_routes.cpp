#include "features_routes.hpp"

#include <nlohmann/json.hpp>

namespace obscura::media {

Route featuresRoute(Features features) {
    Route route;
    route.method = Method::Get;
    route.pattern = "/api/server/features";
    route.auth = AuthPolicy::Anonymous;
    route.module = "media";
    route.summary = "Media features this server offers (video conversion, MP3 extraction, e-mail)";
    route.handler = [features](Request&) -> Expected<Response> {
        nlohmann::json body = {{"trash", true},
                               {"videoConversion", features.videoConversion},
                               {"audioExtraction", features.audioExtraction},
                               {"email", features.email}};
        return Response::json(200, body.dump());
    };
    return route;
}

}  // namespace obscura::media

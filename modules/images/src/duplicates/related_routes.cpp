// GET /api/assets/{id}/related?limit= — other photos like this one, for the viewer. Not visible → 404, like every
// route naming an asset; the answer holds only assets the caller may see (related_service.hpp).
#include <nlohmann/json.hpp>

#include "assets/asset_json.hpp"
#include "duplicates/duplicate_routes.hpp"
#include "duplicates/related_service.hpp"

namespace obscura::images {

namespace {

Expected<int> limitOf(const Request& req) {
    const auto raw = req.queryParam("limit");
    if (!raw) return RelatedService::kDefaultLimit;
    const Error bad = badRequest("limit must be a whole number from 1 to " + std::to_string(RelatedService::kMaxLimit));
    if (raw->empty() || raw->size() > 3) return bad;
    int value = 0;
    for (char c : *raw) {
        if (c < '0' || c > '9') return bad;
        value = value * 10 + (c - '0');
    }
    if (value < 1 || value > RelatedService::kMaxLimit) return bad;
    return value;
}

}  // namespace

std::vector<Route> relatedRoutes(RelatedService& related) {
    return {Route{.method = Method::Get,
                  .pattern = "/api/assets/{id}/related",
                  .module = "images",
                  .summary = "Assets like this one: similar look, same day, nearby, shared tags (?limit= 1-50)",
                  .handler = [&related](Request& req) -> Expected<Response> {
                      const std::string id(req.param("id"));
                      OBSCURA_TRY(limit, limitOf(req));
                      OBSCURA_TRY(found, related.related(req.principal->userId, id, limit));
                      nlohmann::json out = nlohmann::json::array();
                      for (const auto& r : found) {
                          nlohmann::json item = assetJson(r.asset);
                          nlohmann::json why = {{"score", r.score},
                                                {"hoursApart", std::round(r.hoursApart * 100) / 100},
                                                {"sharedTags", r.sharedTags}};
                          why["hashDistance"] = r.hashDistance ? nlohmann::json(*r.hashDistance) : nlohmann::json();
                          why["kilometres"] =
                              r.kilometres ? nlohmann::json(std::round(*r.kilometres * 100) / 100) : nlohmann::json();
                          item["related"] = std::move(why);
                          out.push_back(std::move(item));
                      }
                      return Response::json(200, out.dump());
                  }}};
}

}  // namespace obscura::images

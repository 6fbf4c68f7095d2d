#pragma once
// Albums' routes, one source file per endpoint group (rules and transactions: album_service.hpp):
//   album_routes.cpp         GET|POST /api/albums, GET|PATCH|DELETE /api/albums/{id}
//   album_assets_routes.cpp  PUT|DELETE /api/albums/{id}/assets
// and the JSON body readers the images module's routes share.
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "obscura/base/expected.hpp"
#include "obscura/kernel/route.hpp"

namespace obscura::images {

class AlbumService;

std::vector<Route> albumRoutes(AlbumService& albums);
std::vector<Route> albumAssetRoutes(AlbumService& albums);

// A JSON object body, or 400.
Expected<nlohmann::json> jsonObjectBody(const Request& req);
// {ids:[…]} as strings (400 otherwise); at most kMaxBulkIds.
inline constexpr std::size_t kMaxBulkIds = 10000;
Expected<std::vector<std::string>> idsField(const nlohmann::json& body, const char* key);

}  // namespace obscura::images

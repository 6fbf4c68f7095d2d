#pragma once
// Albums' routes, one source file per endpoint group (rules and transactions: album_service.hpp):
//   album_routes.cpp         GET|POST /api/albums, GET|PATCH|DELETE /api/albums/{id}
//   album_assets_routes.cpp  PUT|DELETE /api/albums/{id}/assets
// and the ids rule the images module's JSON bodies share.
#include <string>
#include <string_view>
#include <vector>

#include "obscura/base/expected.hpp"
#include "obscura/kernel/json_body.hpp"
#include "obscura/kernel/route.hpp"

namespace obscura::images {

class AlbumService;

std::vector<Route> albumRoutes(AlbumService& albums);
std::vector<Route> albumAssetRoutes(AlbumService& albums);

// {field:[…]}: an array of strings (400 when absent or otherwise, JsonBody's rule), at most kMaxBulkIds (422).
inline constexpr std::size_t kMaxBulkIds = 10000;
Expected<std::vector<std::string>> bulkIds(const JsonBody& body, std::string_view field);

}  // namespace obscura::images

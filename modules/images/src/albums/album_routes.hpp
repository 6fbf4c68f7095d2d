#pragma once
// Albums' routes, one source file per endpoint group (rules and transactions: album_service.hpp,
// album_sharing_service.hpp, group_service.hpp):
//   album_routes.cpp         GET|POST /api/albums, GET|PATCH|DELETE /api/albums/{id}
//   album_assets_routes.cpp  PUT|DELETE /api/albums/{id}/assets
//   album_member_routes.cpp  PUT /api/albums/{id}/users, PATCH|DELETE /api/albums/{id}/user/{userId},
//                            PUT /api/albums/{id}/groups
//   group_routes.cpp         GET|POST /api/groups, GET|PATCH|DELETE /api/groups/{id}, PUT /api/groups/{id}/members
// and the ids rule the images module's JSON bodies share. Every route naming an album asks AccessService::album
// first: an album the caller cannot see is 404, whatever the method; what the caller's role does not allow is 403.
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "albums/album_json.hpp"
#include "obscura/base/expected.hpp"
#include "obscura/kernel/json_body.hpp"
#include "obscura/kernel/route.hpp"

namespace obscura {
class ServiceRegistry;
}

namespace obscura::images {

class AccessService;
class AlbumService;
class AlbumSharingService;
class GroupService;
struct AlbumGrant;

struct AlbumRouteDeps {
    AlbumService& albums;
    AlbumSharingService& sharing;
    GroupService& groups;
    AccessService& access;
    const ServiceRegistry& services;  // auth's AvatarLocator, looked up per request (media registers it later)

    AvatarUrlOf avatars() const;
    // The album object (with its sharing fields) as the caller sees it.
    Expected<nlohmann::json> albumBody(const AlbumGrant& grant) const;
};

std::vector<Route> albumRoutes(const AlbumRouteDeps& deps);
std::vector<Route> albumAssetRoutes(const AlbumRouteDeps& deps);
std::vector<Route> albumMemberRoutes(const AlbumRouteDeps& deps);
std::vector<Route> groupRoutes(const AlbumRouteDeps& deps);

// {field:[…]}: an array of strings (400 when absent or otherwise, JsonBody's rule), at most kMaxBulkIds (422).
inline constexpr std::size_t kMaxBulkIds = 10000;
Expected<std::vector<std::string>> bulkIds(const JsonBody& body, std::string_view field);

// JSON text as every images route writes it (invalid UTF-8 replaced, never thrown).
std::string dumped(const nlohmann::json& body);

}  // namespace obscura::images

#pragma once
// Albums, share links and Immich's upload check, one source file per endpoint group:
//   album_handler.cpp        GET|POST /api/albums, GET|PATCH|DELETE /api/albums/{id}
//   album_assets_handler.cpp PUT|DELETE /api/albums/{id}/assets
//   share_link_handler.cpp   GET|POST /api/shared-links, DELETE /api/shared-links/{id}
//   shared_handler.cpp       the public side: /api/shared/{key}, …/unlock, …/assets/{id}/thumbnail|original|video
//   bulk_check_handler.cpp   POST /api/assets/bulk-upload-check
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "obscura/base/expected.hpp"
#include "obscura/kernel/route.hpp"
#include "obscura/storage/album_records.hpp"
#include "obscura/storage/asset_records.hpp"

namespace obscura {
class Clock;
}
namespace obscura::storage {
class Storage;
}
namespace obscura::auth {
class PasswordGuard;
}

namespace obscura::images {

struct DownloadDeps;

// The clock stamps createdAt / updatedAt and decides whether a share link has expired.
std::vector<Route> albumRoutes(storage::Storage& storage, const Clock& clock);
std::vector<Route> albumAssetRoutes(storage::Storage& storage, const Clock& clock);
std::vector<Route> shareLinkRoutes(storage::Storage& storage, auth::PasswordGuard& guard, const Clock& clock);
std::vector<Route> sharedRoutes(storage::Storage& storage, auth::PasswordGuard& guard, DownloadDeps& downloads,
                                const Clock& clock);
Route bulkUploadCheckRoute(storage::Storage& storage);

// The caller's album named by the path, or 404 (ids that are not UUIDs name nothing).
Expected<storage::AlbumView> ownedAlbum(storage::Storage& storage, const std::string& ownerId, const std::string& id);
// Every asset of the album that is not in the trash (archived ones too), newest first.
Expected<std::vector<storage::AssetRecord>> albumAssets(storage::Storage& storage, const std::string& ownerId,
                                                        const std::string& albumId);
// Every asset the query selects, following its keyset pages (of query.limit) to the end.
Expected<std::vector<storage::AssetRecord>> allPagesOf(storage::Storage& storage, storage::AssetQuery query);
// A JSON object body, or 400.
Expected<nlohmann::json> jsonObjectBody(const Request& req);
// {ids:[…]} as strings (400 otherwise); at most kMaxBulkIds.
inline constexpr std::size_t kMaxBulkIds = 10000;
Expected<std::vector<std::string>> idsField(const nlohmann::json& body, const char* key);

}  // namespace obscura::images

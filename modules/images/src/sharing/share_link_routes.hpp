#pragma once
// Share links' routes, one source file per side (rules and lookups: share_link_service.hpp):
//   share_link_routes.cpp  the owner's side: GET|POST /api/shared-links, DELETE /api/shared-links/{id}
//   shared_routes.cpp      the public side: /api/shared/{key}, …/unlock, …/assets/{id}/thumbnail|original|video
#include <vector>

#include "obscura/kernel/route.hpp"

namespace obscura::images {

class ShareLinkService;
struct DownloadDeps;

std::vector<Route> shareLinkRoutes(ShareLinkService& links);
std::vector<Route> sharedRoutes(ShareLinkService& links, DownloadDeps& downloads);

}  // namespace obscura::images

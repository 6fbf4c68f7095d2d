#pragma once
// /api/partners (Immich's shapes, DESIGN.md section 7): share my library with a user, list both directions, the
// receiver's timeline switch, end a partnership from either side. Rules and transactions: partner_service.hpp.
#include <vector>

#include "obscura/kernel/route.hpp"

namespace obscura {
class ServiceRegistry;
}

namespace obscura::images {

class PartnerService;

// services: where the avatar URL of a partner comes from (auth::AvatarLocator, registered by media).
std::vector<Route> partnerRoutes(PartnerService& partners, ServiceRegistry& services);

}  // namespace obscura::images

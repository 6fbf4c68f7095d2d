#pragma once
#include <vector>

#include "obscura/kernel/route.hpp"

namespace obscura::auth {

struct RouteContext;
class OidcService;

// GET /api/oauth/authorize, GET /api/oauth/callback (public).
std::vector<Route> oidcRoutes(RouteContext& ctx, OidcService& oidc);

}  // namespace obscura::auth

#pragma once
// GET /api/duplicates, POST /api/duplicates/resolve, DELETE /api/duplicates/{id} (duplicate_routes.cpp) and
// GET /api/assets/{id}/related (related_routes.cpp).
#include <vector>

#include "obscura/kernel/route.hpp"

namespace obscura::images {

class DuplicateService;
class RelatedService;

std::vector<Route> duplicateRoutes(DuplicateService& duplicates);
std::vector<Route> relatedRoutes(RelatedService& related);

}  // namespace obscura::images

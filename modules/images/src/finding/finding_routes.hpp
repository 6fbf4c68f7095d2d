#pragma once
// Finding photos again (DESIGN.md section 11), one source file per endpoint group:
//   map_routes.cpp     GET /api/map/markers
//   memory_routes.cpp  GET /api/memories
// The search filters are parsed with the listings (finding_params.hpp, assets/listing_params.cpp).
#include <vector>

#include "obscura/kernel/route.hpp"

namespace obscura {
class Clock;
}
namespace obscura::storage {
class Storage;
}

namespace obscura::images {

class ListingCache;

// cache: the map's own (images.mapCacheBytes); a disabled one renders every answer.
std::vector<Route> mapRoutes(storage::Storage& storage, ListingCache& cache);
std::vector<Route> memoryRoutes(storage::Storage& storage, const Clock& clock);

}  // namespace obscura::images

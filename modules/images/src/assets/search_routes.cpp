// GET /api/search?q=: the listing filtered by full-text search. The words' semantics (whole words and word
// prefixes, case- and accent-insensitive, all words must match) are pinned by the storage conformance suite.
#include "assets/asset_routes.hpp"
#include "assets/listing_params.hpp"

namespace obscura::images {

std::vector<Route> searchRoutes(Listings listings) {
    return {Route{.method = Method::Get,
                  .pattern = "/api/search",
                  .module = "images",
                  .summary = "Search the caller's assets by words of title, description, tags, file name and camera",
                  .compute = true,
                  .handler = [listings](Request& req) -> Expected<Response> {
                      OBSCURA_TRY(query, parseListing(req, req.principal->userId, Listing::Search));
                      OBSCURA_TRY(withPartners, parseWithPartners(req, query));
                      return answerListing(listings, req, std::move(query), withPartners);
                  }}};
}

}  // namespace obscura::images

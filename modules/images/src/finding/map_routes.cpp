// GET /api/map/markers (Immich's route and query): the positions of the caller's photos, compact. Rendered by hand
// into one reserved string (no JSON library, no allocation per marker): 100,000 markers are about 7 MB of JSON.
#include <charconv>

#include "assets/listing_params.hpp"
#include "finding/finding_routes.hpp"
#include "obscura/kernel/storage_calls.hpp"
#include "obscura/storage/storage.hpp"

namespace obscura::images {

namespace {

// from/to, or Immich's names for them (fileCreatedAfter/fileCreatedBefore) when ours are absent.
Expected<std::optional<std::int64_t>> instantEither(const Request& req, std::string_view ours,
                                                    std::string_view immich) {
    OBSCURA_TRY(value, instantParam(req, ours));
    if (value) return value;
    return instantParam(req, immich);
}

void appendNumber(std::string& out, double value) {
    char buffer[32];
    const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
    out.append(buffer, ec == std::errc() ? end : buffer);
}

std::string markersJson(const storage::MapMarkers& found) {
    std::string out;
    out.reserve(2 + found.markers.size() * 80);
    out += '[';
    for (const auto& m : found.markers) {
        if (out.size() > 1) out += ',';
        out += R"({"id":")";
        // Ids are the server's own UUIDs; anything that would need escaping is left out rather than trusted.
        for (const char c : found.id(m))
            if (c != '"' && c != '\\' && static_cast<unsigned char>(c) >= 0x20) out += c;
        out += R"(","lat":)";
        appendNumber(out, m.latitude);
        out += R"(,"lon":)";
        appendNumber(out, m.longitude);
        out += '}';
    }
    out += ']';
    return out;
}

}  // namespace

std::vector<Route> mapRoutes(storage::Storage& storage) {
    return {Route{.method = Method::Get,
                  .pattern = "/api/map/markers",
                  .module = "images",
                  .summary =
                      "Positions of the caller's photos [{id, lat, lon}] (Immich): from, to, isFavorite, isArchived, "
                      "withPartners",
                  .handler = [&storage](Request& req) -> Expected<Response> {
                      storage::MarkerFilter filter;
                      filter.ownerId = req.principal->userId;
                      OBSCURA_TRY(from, instantEither(req, "from", "fileCreatedAfter"));
                      OBSCURA_TRY(to, instantEither(req, "to", "fileCreatedBefore"));
                      if (from && to && *from > *to) return badRequest("from must not be after to");
                      filter.fromUs = from;
                      filter.toUs = to;
                      OBSCURA_TRY(favorite, boolParam(req, "isFavorite"));
                      filter.favorite = favorite;
                      OBSCURA_TRY(archived, boolParam(req, "isArchived"));
                      filter.withArchived = archived.value_or(false);
                      OBSCURA_TRY(withPartners, boolParam(req, "withPartners"));
                      // Accepted for Immich's clients; albums shared with the caller add no markers (yet).
                      OBSCURA_TRY(withSharedAlbums, boolParam(req, "withSharedAlbums"));
                      (void)withSharedAlbums;
                      auto read = [&](storage::Repositories& repos) -> Expected<storage::MapMarkers> {
                          // Partners: only those who share with the caller and whom the caller put in their timeline,
                          // read now (an ended partnership is gone from the very next request).
                          if (withPartners.value_or(false)) {
                              OBSCURA_TRY(libraries, repos.partners().timelineLibraries(filter.ownerId));
                              for (const auto& library : libraries) filter.partnerIds.push_back(library.ownerId);
                          }
                          return repos.images().mapMarkers(filter);
                      };
                      OBSCURA_TRY(found, withRepos(storage, read));
                      return Response::json(200, markersJson(found));
                  }}};
}

}  // namespace obscura::images

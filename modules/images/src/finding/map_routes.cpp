// GET /api/map/markers (Immich's route and query): the positions of the caller's photos, compact. Rendered by hand
// into one string (no JSON library, no allocation per marker): 100,000 markers are about 7 MB of JSON. The answer is
// kept in its own cache (images.mapCacheBytes), trusted like a listing page only at the library versions it was
// read at, so the map page opened again, or by a second device, costs one or two small reads.
#include <algorithm>
#include <charconv>
#include <memory>

#include "assets/listing_cache.hpp"
#include "assets/listing_params.hpp"
#include "finding/finding_routes.hpp"
#include "obscura/kernel/storage_calls.hpp"
#include "obscura/storage/storage.hpp"

namespace obscura::images {

namespace {

constexpr std::size_t kMaxNumber = 24;  // "-1.2345678901234567e-308" is the longest a double's shortest form gets

// from/to, or Immich's names for them (fileCreatedAfter/fileCreatedBefore) when ours are absent.
Expected<std::optional<std::int64_t>> instantEither(const Request& req, std::string_view ours,
                                                    std::string_view immich) {
    OBSCURA_TRY(value, instantParam(req, ours));
    if (value) return value;
    return instantParam(req, immich);
}

// Ids are the server's own UUIDs: one is copied whole when nothing in it would need escaping (always, in practice);
// otherwise the characters that would are left out rather than trusted.
char* appendId(char* out, std::string_view id) {
    const bool plain = std::all_of(
        id.begin(), id.end(), [](char c) { return c != '"' && c != '\\' && static_cast<unsigned char>(c) >= 0x20; });
    if (plain) return std::copy(id.begin(), id.end(), out);
    for (const char c : id)
        if (c != '"' && c != '\\' && static_cast<unsigned char>(c) >= 0x20) *out++ = c;
    return out;
}

template <std::size_t N>
char* appendLiteral(char* out, const char (&text)[N]) {
    return std::copy(text, text + N - 1, out);
}

// The shortest text that reads back as the same double (at most 24 characters).
char* appendNumber(char* out, double value) {
    const auto [end, ec] = std::to_chars(out, out + kMaxNumber, value);
    return ec == std::errc() ? end : out;
}

// Written through a pointer into a string sized for the longest possible answer, then cut to what was written: no
// capacity check or allocation per character (the ids and numbers are most of 7 MB at 100,000 markers).
std::string markersJson(const storage::MapMarkers& found) {
    constexpr std::size_t kFixedPerMarker = sizeof(R"({"id":"","lat":,"lon":},)") - 1 + 2 * kMaxNumber;
    std::string out;
    out.resize(2 + found.markers.size() * kFixedPerMarker + found.idText.size());
    char* p = out.data();
    *p++ = '[';
    bool first = true;
    for (const auto& m : found.markers) {
        if (!first) *p++ = ',';
        first = false;
        p = appendLiteral(p, R"({"id":")");
        p = appendId(p, found.id(m));
        p = appendLiteral(p, R"(","lat":)");
        p = appendNumber(p, m.latitude);
        p = appendLiteral(p, R"(,"lon":)");
        p = appendNumber(p, m.longitude);
        *p++ = '}';
    }
    *p++ = ']';
    out.resize(static_cast<std::size_t>(p - out.data()));
    return out;
}

}  // namespace

std::vector<Route> mapRoutes(storage::Storage& storage, ListingCache& cache) {
    return {Route{.method = Method::Get,
                  .pattern = "/api/map/markers",
                  .module = "images",
                  .summary =
                      "Positions of the caller's photos [{id, lat, lon}] (Immich): from, to, isFavorite, isArchived, "
                      "withPartners",
                  .compute = true,
                  .handler = [&storage, &cache](Request& req) -> Expected<Response> {
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
                      struct Found {
                          std::shared_ptr<const std::string> cached;
                          storage::MapMarkers markers;
                          std::int64_t version = 0;
                          std::string key;
                      };
                      auto read = [&](storage::Repositories& repos) -> Expected<Found> {
                          Found out;
                          filter.partnerIds.clear();  // a read run again after a busy database starts afresh
                          // Partners: only those who share with the caller and whom the caller put in their timeline,
                          // read now (an ended partnership is gone from the very next request). Their versions and
                          // the caller's are read before the markers, as for a listing (listing_routes.cpp).
                          if (withPartners.value_or(false)) {
                              OBSCURA_TRY(libraries, repos.partners().timelineLibraries(filter.ownerId));
                              for (const auto& library : libraries) {
                                  filter.partnerIds.push_back(library.ownerId);
                                  out.version += library.version;
                              }
                          }
                          if (cache.enabled()) {
                              OBSCURA_TRY(current, repos.images().libraryVersion(filter.ownerId));
                              out.version += current;
                              out.key = ListingCache::key(filter.ownerId, filter.partnerIds, req.path, req.query);
                              out.cached = cache.find(out.key, out.version);
                              if (out.cached) return out;
                          }
                          OBSCURA_TRY(markers, repos.images().mapMarkers(filter));
                          out.markers = std::move(markers);
                          return out;
                      };
                      OBSCURA_TRY(found, withRepos(storage, read));
                      if (found.cached) return Response::json(200, std::move(found.cached));
                      std::string json = markersJson(found.markers);
                      // Sized for the longest numbers; a kept answer should hold only what it is (~30 % less).
                      if (cache.enabled()) json.shrink_to_fit();
                      auto body = std::make_shared<const std::string>(std::move(json));
                      if (cache.enabled()) cache.store(found.key, found.version, body);
                      return Response::json(200, std::move(body));
                  }}};
}

}  // namespace obscura::images

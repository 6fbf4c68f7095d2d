#include "partners/partner_routes.hpp"

#include <nlohmann/json.hpp>

#include "albums/album_json.hpp"
#include "obscura/kernel/json_body.hpp"
#include "obscura/kernel/service_registry.hpp"
#include "partners/partner_service.hpp"

namespace obscura::images {

namespace {

// {id, username, displayName, avatarUrl, inTimeline}: Immich's PartnerResponseDto, DESIGN's user summary plus the
// receiver's switch.
nlohmann::json partnerJson(const PartnerView& partner, const AvatarUrlOf& avatarOf) {
    auto body = userSummaryJson({partner.user.id, partner.user.username, partner.user.displayName}, avatarOf);
    body["inTimeline"] = partner.inTimeline;
    return body;
}

Response jsonOf(int status, const nlohmann::json& body) {
    return Response::json(status, body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

// ?direction=shared-by|shared-with (Immich's names); required on the listing, optional when ending.
Expected<std::optional<PartnerDirection>> directionOf(const Request& req) {
    const auto all = req.queryParamAll("direction");
    if (all.empty()) return std::optional<PartnerDirection>();
    if (all.size() > 1) return badRequest("direction may be given only once");
    if (all.front() == "shared-by") return std::optional(PartnerDirection::SharedBy);
    if (all.front() == "shared-with") return std::optional(PartnerDirection::SharedWith);
    return badRequest("direction must be shared-by or shared-with");
}

}  // namespace

std::vector<Route> partnerRoutes(PartnerService& partners, ServiceRegistry& services) {
    return {
        Route{.method = Method::Post,
              .pattern = "/api/partners/{id}",
              .module = "images",
              .summary = "Share my whole library, read-only, with this user (Immich)",
              .handler = [&partners, &services](Request& req) -> Expected<Response> {
                  OBSCURA_TRY(shared, partners.share(req.principal->userId, std::string(req.param("id"))));
                  return jsonOf(201, partnerJson(shared, avatarsOf(services)));
              }},
        Route{.method = Method::Get,
              .pattern = "/api/partners",
              .module = "images",
              .summary = "The users I share with (direction=shared-by) or who share with me (shared-with) (Immich)",
              .handler = [&partners, &services](Request& req) -> Expected<Response> {
                  OBSCURA_TRY(direction, directionOf(req));
                  if (!direction) return badRequest("direction is required: shared-by or shared-with");
                  OBSCURA_TRY(found, partners.list(req.principal->userId, *direction));
                  auto body = nlohmann::json::array();
                  const auto avatarOf = avatarsOf(services);
                  for (const auto& partner : found) body.push_back(partnerJson(partner, avatarOf));
                  return jsonOf(200, body);
              }},
        Route{.method = Method::Put,
              .pattern = "/api/partners/{id}",
              .module = "images",
              .summary =
                  "Show this partner's library in my timeline or not {inTimeline} (the receiver's choice) (Immich)",
              .body = BodyKind::Buffered,
              .handler = [&partners, &services](Request& req) -> Expected<Response> {
                  // DESIGN's order: a partnership that does not exist is 404 whatever the body.
                  OBSCURA_TRY_STATUS(partners.receives(req.principal->userId, std::string(req.param("id"))));
                  OBSCURA_TRY(body, JsonBody::parse(req));
                  OBSCURA_TRY(inTimeline, body.optionalBool("inTimeline"));
                  if (!inTimeline) return badRequest("inTimeline is required");
                  OBSCURA_TRY(updated,
                              partners.setInTimeline(req.principal->userId, std::string(req.param("id")), *inTimeline));
                  return jsonOf(200, partnerJson(updated, avatarsOf(services)));
              }},
        Route{.method = Method::Delete,
              .pattern = "/api/partners/{id}",
              .module = "images",
              .summary = "End a partnership with this user, from either side (?direction= picks one) (Immich)",
              .handler = [&partners](Request& req) -> Expected<Response> {
                  OBSCURA_TRY(direction, directionOf(req));
                  OBSCURA_TRY_STATUS(partners.end(req.principal->userId, std::string(req.param("id")), direction));
                  return Response::noContent();
              }},
    };
}

}  // namespace obscura::images

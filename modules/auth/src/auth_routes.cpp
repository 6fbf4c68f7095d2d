#include "auth_routes.hpp"

#include <nlohmann/json.hpp>

#include "obscura/kernel/service_registry.hpp"

namespace obscura::auth {

Response jsonResponse(int status, const nlohmann::json& body) { return Response::json(status, body.dump()); }

void noStore(Response& response) {
    response.headers.set("Cache-Control", "no-store");
    response.headers.set("Pragma", "no-cache");
}

Expected<Usage> usageOf(ServiceRegistry& services, const std::string& userId) {
    auto provider = services.find<UsageProvider>();
    if (!provider) return Usage{};
    return provider->usage(userId);
}

Status requireSession(const Request& request) {
    if (request.principal && request.principal->via == Principal::Via::ApiKey) {
        return Error(ErrorCode::Forbidden, "this needs a signed-in session, not an API key", "session_required");
    }
    return {};
}

}  // namespace obscura::auth

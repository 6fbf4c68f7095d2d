#include "user_json.hpp"

#include <nlohmann/json.hpp>

#include "obscura/auth/avatar_locator.hpp"
#include "obscura/kernel/service_registry.hpp"

namespace obscura::auth {

namespace {

nlohmann::json avatarUrlOf(const storage::UserRecord& user, const ServiceRegistry* services) {
    if (services != nullptr) {
        if (auto locator = services->find<AvatarLocator>())
            if (auto url = locator->avatarUrl(user.id)) return *url;
    }
    return nullptr;
}

}  // namespace

nlohmann::json userSummaryJson(const storage::UserRecord& user, const ServiceRegistry* services) {
    return {{"id", user.id},
            {"username", user.username},
            {"displayName", user.displayName},
            {"avatarUrl", avatarUrlOf(user, services)}};
}

nlohmann::json userJson(const storage::UserRecord& user, const ServiceRegistry* services) {
    const nlohmann::json avatar = avatarUrlOf(user, services);
    return {
        {"id", user.id},
        {"username", user.username},
        {"email", user.email},
        {"displayName", user.displayName},
        {"bio", user.bio},
        {"isAdmin", user.isAdmin},
        {"disabled", user.disabled},
        {"quotaBytes", user.quotaBytes ? nlohmann::json(*user.quotaBytes) : nlohmann::json(nullptr)},
        {"createdAt", user.createdAt},
        {"avatarUrl", avatar},
    };
}

nlohmann::json apiKeyJson(const storage::ApiKeyRecord& key) {
    return {{"id", key.id}, {"name", key.name}, {"createdAt", key.createdAt}, {"permissions", {"all"}}};
}

nlohmann::json usageJson(const Usage& usage) {
    return {{"assets", usage.assets},
            {"images", usage.images},
            {"videos", usage.videos},
            {"bytesOriginals", usage.bytesOriginals},
            {"bytesDerived", usage.bytesDerived},
            {"bandwidthBytesThisMonth", usage.bandwidthBytesThisMonth}};
}

}  // namespace obscura::auth

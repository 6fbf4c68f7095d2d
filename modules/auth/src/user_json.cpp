#include "user_json.hpp"

#include <nlohmann/json.hpp>


namespace obscura::auth {

nlohmann::json userJson(const storage::UserRecord& user) {
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
        // Avatars arrive with the media module's image adapter; until then there is none to point at.
        {"avatarUrl", nullptr},
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

#pragma once
// Where a user's avatar is served from, if they have one: the user object's `avatarUrl`. Avatars are pictures,
// so the media module keeps them and registers this in the service registry; auth only asks.
#include <optional>
#include <string>

namespace obscura::auth {

class AvatarLocator {
public:
    virtual ~AvatarLocator() = default;
    // "/api/users/{id}/avatar?v=<version>" when the user has an avatar, else nullopt.
    virtual std::optional<std::string> avatarUrl(const std::string& userId) const = 0;
};

}  // namespace obscura::auth

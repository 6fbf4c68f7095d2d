#pragma once
// The JSON shapes of DESIGN.md section 3 (Auth).
#include <nlohmann/json_fwd.hpp>

#include "obscura/auth/usage_provider.hpp"
#include "obscura/storage/records.hpp"

namespace obscura {
class ServiceRegistry;
}

namespace obscura::auth {

// {id, username, email, displayName, bio, isAdmin, disabled, quotaBytes, createdAt, avatarUrl}
// `services` finds the AvatarLocator (media) for avatarUrl; without it avatarUrl is null.
nlohmann::json userJson(const storage::UserRecord& user, const ServiceRegistry* services = nullptr);
// {id, username, displayName, avatarUrl}: another person as sharing shows them (no e-mail, no flags).
nlohmann::json userSummaryJson(const storage::UserRecord& user, const ServiceRegistry* services = nullptr);
// {id, name, createdAt, permissions:["all"]}
nlohmann::json apiKeyJson(const storage::ApiKeyRecord& key);
// {assets, images, videos, bytesOriginals, bytesDerived, bandwidthBytesThisMonth}
nlohmann::json usageJson(const Usage& usage);

}  // namespace obscura::auth

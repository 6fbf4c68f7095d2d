#pragma once
// Plain records that cross the plugin boundary. No behaviour, no SQL.
#include <cstdint>
#include <optional>
#include <string>

namespace obscura::storage {

struct MigrationResult {
    std::string module;
    int fromVersion = 0;
    int toVersion = 0;
};

// One row of the auth module's users table. Times are RFC 3339 text stored exactly as given (offset kept).
struct UserRecord {
    std::string id;           // UUID
    std::string username;     // as the user typed it
    std::string usernameKey;  // the auth module's normalised form (lower-cased); unique
    std::string email;
    std::string displayName;
    std::string bio;
    std::string passwordHash;
    bool isAdmin = false;
    bool disabled = false;
    std::optional<std::int64_t> quotaBytes;  // nullopt = unlimited
    std::string createdAt;
    std::string updatedAt;
};

struct AssetCounts {
    std::int64_t images = 0;
    std::int64_t videos = 0;
};

}  // namespace obscura::storage

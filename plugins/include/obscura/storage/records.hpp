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
    // Raised whenever every session of the user must end at once (password change, disabling): access
    // tokens carry the version they were issued under and stop working when it no longer matches.
    std::int64_t tokenVersion = 0;
    std::string createdAt;
    std::string updatedAt;
};

// What a guarded user write did. LastAdmin: refused because it would leave no admin that is not disabled.
enum class UserWrite : std::uint8_t { Done, NotFound, LastAdmin };

// One refresh token. The token itself is never stored, only its hash; every token rotated from one login
// shares the login's familyId, so presenting a dead one can revoke the whole family.
struct RefreshTokenRecord {
    std::string id;  // UUID
    std::string userId;
    std::string familyId;                  // UUID
    std::string tokenHash;                 // lower-case hex; unique
    std::string createdAt;                 // RFC 3339
    std::int64_t expiresAtUs = 0;          // UTC microseconds since the epoch
    std::optional<std::int64_t> usedAtUs;  // set once, when the token was rotated
    bool revoked = false;
};

// One API key. As with refresh tokens, only the secret's hash is stored.
struct ApiKeyRecord {
    std::string id;  // UUID
    std::string userId;
    std::string name;
    std::string keyHash;    // lower-case hex; unique
    std::string createdAt;  // RFC 3339
};

struct ApiKeyWithOwner {
    ApiKeyRecord key;
    UserRecord owner;
};

// Failed sign-ins counted under one key ("ip:…", "user:…") in a fixed window that starts at the first
// failure and ends windowUs later.
struct LoginFailures {
    std::string key;
    std::int64_t failures = 0;
    std::int64_t windowStartUs = 0;
};

struct AssetCounts {
    std::int64_t images = 0;
    std::int64_t videos = 0;
};

}  // namespace obscura::storage

#pragma once
// Creating an account without a running server: what `obscura user create` does.
#include <cstdint>
#include <optional>
#include <string>

#include "obscura/base/expected.hpp"

namespace obscura {
class Clock;
class Config;
namespace storage {
class Storage;
}
}  // namespace obscura

namespace obscura::auth {

struct NewUser {
    std::string username;
    std::string password;
    std::string email;
    std::string displayName;
    bool isAdmin = false;
    std::optional<std::int64_t> quotaBytes;  // nullopt = unlimited
};

struct CreatedUser {
    std::string id;
    std::string username;
    bool isAdmin = false;
};

// The same rules, hashing and storage as POST /api/admin/users, on an opened and migrated storage. The
// server's first user is always an admin, whatever isAdmin says. Invalid for a bad field, Conflict for a
// taken username. createdAt comes from clock.
Expected<CreatedUser> createUserWithoutServer(const Config& config, storage::Storage& storage, const NewUser& user,
                                              const Clock& clock);

}  // namespace obscura::auth

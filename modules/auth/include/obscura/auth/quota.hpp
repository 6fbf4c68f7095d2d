#pragma once
// Storage quotas are set by admins in auth and enforced by the images module at upload time.
#include <cstdint>
#include <optional>
#include <string>

#include "obscura/base/expected.hpp"

namespace obscura::storage {
class Repositories;
}

namespace obscura::auth {

class Quota {
public:
    virtual ~Quota() = default;
    // The user's quota in bytes; nullopt = unlimited. NotFound when there is no such user.
    virtual Expected<std::optional<std::int64_t>> quotaBytes(const std::string& userId) = 0;
    // The same, read inside the caller's transaction, so an upload can check the quota and record its asset
    // atomically.
    virtual Expected<std::optional<std::int64_t>> quotaBytesIn(storage::Repositories& tx,
                                                               const std::string& userId) = 0;
};

}  // namespace obscura::auth

#pragma once
#include "obscura/auth/quota.hpp"

namespace obscura::storage {
class Storage;
}

namespace obscura::auth {

// Quotas as admins set them on the users table.
class StoredQuota final : public Quota {
public:
    explicit StoredQuota(storage::Storage& storage) : storage_(storage) {}
    Expected<std::optional<std::int64_t>> quotaBytes(const std::string& userId) override;
    Expected<std::optional<std::int64_t>> quotaBytesIn(storage::Repositories& tx, const std::string& userId) override;

private:
    storage::Storage& storage_;
};

}  // namespace obscura::auth

#pragma once
// The UsageProvider auth's profile and admin listing read (registered in the service registry at
// onAllLoaded): storage figures from the images repository, bandwidth of the current UTC month.
#include "obscura/auth/usage_provider.hpp"

namespace obscura::storage {
class Storage;
}

namespace obscura::images {

class ImagesUsage final : public auth::UsageProvider {
public:
    explicit ImagesUsage(storage::Storage& storage) : storage_(storage) {}
    Expected<auth::Usage> usage(const std::string& userId) override;

private:
    storage::Storage& storage_;
};

}  // namespace obscura::images

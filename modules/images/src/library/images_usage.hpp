#pragma once
// The UsageProvider auth's profile and admin listing read (registered in the service registry at
// onAllLoaded): storage figures from the images repository, bandwidth of the current UTC month.
#include "obscura/auth/usage_provider.hpp"

namespace obscura {
class Clock;
}
namespace obscura::storage {
class Storage;
}

namespace obscura::images {

class ImagesUsage final : public auth::UsageProvider {
public:
    ImagesUsage(storage::Storage& storage, const Clock& clock) : storage_(storage), clock_(clock) {}
    Expected<auth::Usage> usage(const std::string& userId) override;

private:
    storage::Storage& storage_;
    const Clock& clock_;
};

}  // namespace obscura::images

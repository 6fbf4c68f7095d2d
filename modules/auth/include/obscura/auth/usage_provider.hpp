#pragma once
// What a user stores and downloads. The images module owns those numbers and registers a UsageProvider in
// the kernel's ServiceRegistry at onAllLoaded(); auth's admin listing and /api/users/me/usage read it from
// there (zeros while nobody registered one), so auth never depends on images.
#include <cstdint>
#include <string>

#include "obscura/base/expected.hpp"

namespace obscura::auth {

struct Usage {
    std::int64_t assets = 0;
    std::int64_t images = 0;
    std::int64_t videos = 0;
    std::int64_t bytesOriginals = 0;
    std::int64_t bytesDerived = 0;
    std::int64_t bandwidthBytesThisMonth = 0;
};

class UsageProvider {
public:
    virtual ~UsageProvider() = default;
    virtual Expected<Usage> usage(const std::string& userId) = 0;
};

}  // namespace obscura::auth

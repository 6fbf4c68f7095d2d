#pragma once
// GET|PUT /api/users/me/avatar: the picture is sniffed like an upload (images' table), decoded by the same
// libvips adapter with the same checks, and kept as a 256×256 WebP, the blob derived/<user>/avatar.webp (it goes
// with the user's derived tree when the account is deleted).
#include <optional>
#include <string>
#include <vector>

#include "obscura/kernel/route.hpp"

namespace obscura::images {
class AssetSource;
}
namespace obscura::blobs {
class BlobStore;
}

namespace obscura::media {

class VipsEngine;

struct AvatarDeps {
    images::AssetSource& assets;  // for the user's derived key prefix
    const VipsEngine& vips;
    blobs::BlobStore& blobs;
    std::string tmpDir;  // where the uploaded picture waits while it is decoded
};

inline constexpr std::uint64_t kMaxAvatarBytes = 25ull << 20;

std::vector<Route> avatarRoutes(AvatarDeps& deps);

// The user object's avatarUrl: "/api/users/{id}/avatar?v=<version>" while the avatar exists.
std::optional<std::string> avatarUrlOf(const AvatarDeps& deps, const std::string& userId);

}  // namespace obscura::media

#include "derivative_geometry.hpp"

#include <algorithm>
#include <cmath>

namespace obscura::media {
namespace {

Size scaled(Size in, double scale) {
    // Rounded, and at least one pixel: a 1×5000 strip still has a thumbnail.
    return {std::max(1, static_cast<int>(std::lround(in.width * scale))),
            std::max(1, static_cast<int>(std::lround(in.height * scale)))};
}

}  // namespace

Size previewSize(Size original) {
    int longer = std::max(original.width, original.height);
    if (longer <= kPreviewBox) return original;
    return scaled(original, static_cast<double>(kPreviewBox) / longer);
}

Size thumbnailSize(Size original) {
    int shorter = std::min(original.width, original.height);
    int longer = std::max(original.width, original.height);
    double scale = std::min(
        {1.0, static_cast<double>(kThumbnailShortSide) / shorter, static_cast<double>(kThumbnailLongSideMax) / longer});
    return scale >= 1.0 ? original : scaled(original, scale);
}

Size avatarScaledSize(Size original) {
    int shorter = std::min(original.width, original.height);
    Size out = scaled(original, static_cast<double>(kAvatarSide) / shorter);
    // Rounding must not leave the shorter side a pixel short of the crop.
    if (original.width <= original.height) {
        out.width = kAvatarSide;
        out.height = std::max(out.height, kAvatarSide);
    } else {
        out.height = kAvatarSide;
        out.width = std::max(out.width, kAvatarSide);
    }
    return out;
}

int jpegShrinkFor(double factor) {
    if (factor >= 16) return 8;
    if (factor >= 8) return 4;
    if (factor >= 4) return 2;
    return 1;
}

Size displayedSize(Size stored, int orientation) {
    return orientation >= 5 && orientation <= 8 ? Size{stored.height, stored.width} : stored;
}

}  // namespace obscura::media

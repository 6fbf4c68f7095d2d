#pragma once
// A JPEG decoded straight to a smaller size by libjpeg-turbo's DCT scaling at any eighth (TurboJPEG API). libvips'
// shrink-on-load only offers 1/2, 1/4 and 1/8, and the engine keeps a factor of two above the target for real
// resampling, so a 2560- or 5640-pixel photo for a 1440-pixel preview was decoded in full; at 5/8 or 3/8 the
// decoder does a fraction of the inverse DCT, upsampling and colour conversion.
//
// Only a fast path: every refusal (file unreadable, decoder and libvips disagreeing on the size, greyscale, CMYK,
// any libjpeg warning or error, no scale below 8/8 that still covers the target) answers nullopt, and the caller
// decodes with libvips exactly as before — so hostile or damaged files meet the same checks and errors as always.
// The caller has already checked the pixel limit on the header.
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "derivative_geometry.hpp"

namespace obscura::media {

struct ScaledJpeg {
    std::vector<unsigned char> rgb;  // 8-bit RGB, rows packed
    Size size;
};

// Decodes `path` (stored × the header's size) at the smallest scale M/8 < 1 whose size is at least `minimum` on
// both sides.
std::optional<ScaledJpeg> decodeJpegScaled(const std::string& path, Size stored, Size minimum);

}  // namespace obscura::media

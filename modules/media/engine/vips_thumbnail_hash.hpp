#pragma once
// The perceptual hashes of a thumbnail (perceptual_hash.hpp) computed with libvips, for the engine's derivative path
// and the backfill (hashThumbnail). Kept apart from vips_image_engine.cpp, which is about decoding and encoding.
#include <string>
#include <vips/vips8>

#include "vips_engine.hpp"

namespace obscura::media {

// The dct and diff hashes of an sRGB picture (alpha flattened onto white). Throws vips::VError.
PerceptualHashes hashPicture(const vips::VImage& picture);

// A WebP the engine has just encoded itself, decoded again by libwebp. Throws vips::VError.
vips::VImage decodeOwnWebp(const std::string& webp);

}  // namespace obscura::media

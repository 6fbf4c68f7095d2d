#include "vips_thumbnail_hash.hpp"

#include <webp/decode.h>

#include <cstdint>
#include <vector>

#include "perceptual_hash.hpp"

namespace obscura::media {
namespace {

using vips::VError;
using vips::VImage;

// The picture as 8-bit grey, alpha flattened onto white, held in memory: the hash's two resizes read it many times
// over (a reduction's mask overlaps its neighbours' rows), and from a lazy pipeline each read converted the colours
// again — three quarters of the hash's time (bench/RESULTS.md, issue 21 target 1). Same pixels either way.
VImage greyPlane(const VImage& picture) {
    VImage in = picture.has_alpha()
                    ? picture.flatten(VImage::option()->set("background", std::vector<double>{255, 255, 255}))
                    : picture;
    return in.colourspace(VIPS_INTERPRETATION_B_W).extract_band(0).cast(VIPS_FORMAT_UCHAR).copy_memory();
}

// The grey plane squeezed (aspect ignored) to width×height pixels.
std::vector<std::uint8_t> greySquare(const VImage& grey, int width, int height) {
    VImage small = grey.resize(static_cast<double>(width) / grey.width(),
                               VImage::option()->set("vscale", static_cast<double>(height) / grey.height()));
    // libvips rounds output sizes: exactly width × height, or the rows would be read with the wrong stride.
    if (small.width() != width || small.height() != height)
        small = small.embed(0, 0, width, height, VImage::option()->set("extend", VIPS_EXTEND_COPY));
    std::size_t length = 0;
    void* data = small.write_to_memory(&length);
    std::vector<std::uint8_t> pixels(static_cast<std::uint8_t*>(data), static_cast<std::uint8_t*>(data) + length);
    g_free(data);
    pixels.resize(static_cast<std::size_t>(width) * static_cast<std::size_t>(height));
    return pixels;
}

}  // namespace

// Throws VError.
PerceptualHashes hashPicture(const VImage& picture) {
    VImage grey = greyPlane(picture);
    PerceptualHashes h;
    h.dct = dctHash(greySquare(grey, kDctHashSide, kDctHashSide).data());
    h.diff = differenceHash(greySquare(grey, kDiffHashWidth, kDiffHashHeight).data());
    return h;
}

// The thumbnail we have just encoded, decoded again for its hash by libwebp itself: the same pixels libvips'
// webpload gives (both call WebPDecode with its defaults; the hashes match hashThumbnail's), at a fifth of the cost
// — libvips' loader sniffs, reads the header and builds a pipeline for a 250-pixel image. Our own bytes only: files
// from elsewhere keep going through libvips' checked loader (hashThumbnail). Throws VError.
VImage decodeOwnWebp(const std::string& webp) {
    const auto* bytes = reinterpret_cast<const std::uint8_t*>(webp.data());
    WebPBitstreamFeatures features;
    if (WebPGetFeatures(bytes, webp.size(), &features) != VP8_STATUS_OK) throw VError("the thumbnail's WebP header");
    int width = 0, height = 0;
    const int bands = features.has_alpha ? 4 : 3;
    std::uint8_t* pixels = features.has_alpha ? WebPDecodeRGBA(bytes, webp.size(), &width, &height)
                                              : WebPDecodeRGB(bytes, webp.size(), &width, &height);
    if (pixels == nullptr) throw VError("decoding the thumbnail's WebP failed");
    VipsImage* image = vips_image_new_from_memory_copy(
        pixels, static_cast<std::size_t>(width) * static_cast<std::size_t>(height) * bands, width, height, bands,
        VIPS_FORMAT_UCHAR);
    WebPFree(pixels);
    if (image == nullptr) throw VError();
    return VImage(image).copy(VImage::option()->set("interpretation", VIPS_INTERPRETATION_sRGB));
}

}  // namespace obscura::media

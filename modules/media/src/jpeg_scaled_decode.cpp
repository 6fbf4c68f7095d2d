#include "jpeg_scaled_decode.hpp"

#include <turbojpeg.h>

#include <fstream>
#include <iterator>
#include <memory>

namespace obscura::media {

namespace {

constexpr std::uintmax_t kMaxFileBytes = 512ULL << 20;  // larger files go to libvips, which streams them

struct Handle {
    void operator()(void* h) const { tjDestroy(h); }
};

std::optional<std::vector<unsigned char>> readAll(const std::string& path) {
    std::ifstream in(path, std::ios::binary | std::ios::ate);
    if (!in) return std::nullopt;
    const std::streamoff size = in.tellg();
    if (size <= 0 || static_cast<std::uintmax_t>(size) > kMaxFileBytes) return std::nullopt;
    std::vector<unsigned char> bytes(static_cast<std::size_t>(size));
    in.seekg(0);
    if (!in.read(reinterpret_cast<char*>(bytes.data()), size)) return std::nullopt;
    return bytes;
}

}  // namespace

std::optional<ScaledJpeg> decodeJpegScaled(const std::string& path, Size stored, Size minimum) {
    int count = 0;
    const tjscalingfactor* factors = tjGetScalingFactors(&count);
    if (factors == nullptr) return std::nullopt;
    // The smallest scale below 1 that still covers `minimum` (TJSCALED rounds up, as the decoder does).
    Size best = stored;
    for (int i = 0; i < count; ++i) {
        const tjscalingfactor f = factors[i];
        if (f.num >= f.denom) continue;
        const Size scaled{TJSCALED(stored.width, f), TJSCALED(stored.height, f)};
        if (scaled.width >= minimum.width && scaled.height >= minimum.height &&
            static_cast<long long>(scaled.width) * scaled.height < static_cast<long long>(best.width) * best.height)
            best = scaled;
    }
    if (best == stored) return std::nullopt;  // no scaled decode helps: libvips' own path is the same work

    auto bytes = readAll(path);
    if (!bytes) return std::nullopt;
    const std::unique_ptr<void, Handle> handle(tjInitDecompress());
    if (!handle) return std::nullopt;
    int width = 0, height = 0, subsampling = 0, colorspace = 0;
    if (tjDecompressHeader3(handle.get(), bytes->data(), bytes->size(), &width, &height, &subsampling, &colorspace) !=
        0)
        return std::nullopt;
    // Greyscale, CMYK and YCCK keep libvips' handling (its CMYK fallback profile, one-band output).
    if (width != stored.width || height != stored.height || (colorspace != TJCS_YCbCr && colorspace != TJCS_RGB))
        return std::nullopt;
    ScaledJpeg out;
    out.size = best;
    out.rgb.resize(static_cast<std::size_t>(best.width) * static_cast<std::size_t>(best.height) * 3);
    // Flags 0: accurate integer DCT and smooth chroma upsampling, libvips' own defaults. A warning (a truncated or
    // corrupt stream) fails too: libvips then decodes the file and applies its fail_on policy as it always did.
    if (tjDecompress2(handle.get(), bytes->data(), bytes->size(), out.rgb.data(), best.width, 0, best.height, TJPF_RGB,
                      0) != 0)
        return std::nullopt;
    return out;
}

}  // namespace obscura::media

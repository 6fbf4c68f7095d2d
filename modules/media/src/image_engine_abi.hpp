#pragma once
// The one C entry point of the image engine module, obscura_media_vips.so (modules/media/engine/): libvips and the
// dozens of libraries it links (librsvg, OpenEXR, HDF5, poppler, cairo, …) live in that file, not in bin/obscura,
// so a server that has not been sent a photo yet never maps them (≈ 10 MiB of idle RSS, bench/RESULTS.md). The
// executable dlopens it on the first image (vips_engine.cpp), through the kernel's plugin loader: same search path
// as the storage plugins (<exedir>/../lib/obscura/plugins/, then <exedir>/), same refusal rules.
// Same shape as a storage plugin's descriptor: the loader reads abi_version before touching anything else, so the
// first member's type and position never change. Bump kImageEngineAbiVersion whenever this file or the types of
// vips_engine.hpp change: the executable and its engine module must agree exactly.
// No exception crosses: every member returns its failure as an Error (the module catches everything).
#include <cstdint>
#include <string>

#include "vips_engine.hpp"

namespace obscura::media {

inline constexpr std::uint32_t kImageEngineAbiVersion = 1;

// Where the engine's diagnostics go: the executable's log (the module links no logger of its own).
using EngineLogFn = void (*)(const char* message);

// What the module implements: VipsEngine's operations, with the options passed on each call.
class ImageEngineModule {
public:
    virtual ~ImageEngineModule() = default;
    // Starts libvips once per process with the first call's settings; later calls return the first outcome.
    virtual Status start(const VipsSettings& settings, EngineLogFn log) = 0;
    // vips_shutdown() if it was started: at process exit only.
    virtual void shutdown() = 0;
    virtual Expected<DerivativeSizes> makePreviewAndThumbnail(const VipsEngineOptions& options,
                                                              const std::string& original, ImageKind kind,
                                                              const std::string& previewPath,
                                                              const std::string& thumbnailPath, int orientation) = 0;
    virtual Expected<PerceptualHashes> hashThumbnail(const VipsEngineOptions& options, const std::string& webpPath) = 0;
    virtual Expected<Size> makeAvatar(const VipsEngineOptions& options, const std::string& original, ImageKind kind,
                                      const std::string& avatarPath) = 0;
    virtual Expected<Size> convert(const VipsEngineOptions& options, const std::string& original, ImageKind kind,
                                   OutputFormat format, const std::string& targetPath, int orientation) = 0;
};

}  // namespace obscura::media

extern "C" {
struct obscura_media_engine_v1 {
    std::uint32_t abi_version;
    const char* name;
    obscura::media::ImageEngineModule* factory;  // "factory": the member name every plugin descriptor shares
};
// The module defines exactly this symbol and exports nothing else.
const obscura_media_engine_v1* obscura_media_engine_entry(void);
}

#define OBSCURA_MEDIA_ENGINE_ENTRY_SYMBOL "obscura_media_engine_entry"
#define OBSCURA_MEDIA_ENGINE_EXPORT extern "C" __attribute__((visibility("default")))

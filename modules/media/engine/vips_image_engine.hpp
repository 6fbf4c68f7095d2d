#pragma once
// libvips itself: the pipeline behind VipsEngine (vips_engine.hpp), compiled into the engine module
// obscura_media_vips.so only (engine_entry.cpp exports it; image_engine_abi.hpp says why it is a module). This,
// vips_image_engine.cpp and vips_thumbnail_hash.* are the only files that include <vips/vips8>. The benchmarks
// (bench/thumbs, bench/dupes) compile it in directly, to measure the engine as shipped without the server's loader.
// Each operation has VipsEngine's contract (checks, errors, outputs); see vips_engine.hpp.
#include <string>

#include "image_engine_abi.hpp"
#include "vips_engine.hpp"

namespace obscura::media {

class VipsImageEngine {
public:
    // VIPS_INIT plus the settings and the loader blocks. Idempotent and thread-safe; the first call's settings and
    // log win. Every operation calls it itself. log (may be null) receives libvips' warnings.
    static Status initialise(const VipsSettings& settings = {}, EngineLogFn log = nullptr);
    // vips_shutdown(): only at process exit, after every engine use (libvips cannot be started again).
    static void shutdown();

    explicit VipsImageEngine(VipsEngineOptions options = {});

    Expected<DerivativeSizes> makePreviewAndThumbnail(const std::string& original, ImageKind kind,
                                                      const std::string& previewPath, const std::string& thumbnailPath,
                                                      int orientation = 0) const;
    Expected<PerceptualHashes> hashThumbnail(const std::string& webpPath) const;
    Expected<Size> makeAvatar(const std::string& original, ImageKind kind, const std::string& avatarPath) const;
    Expected<Size> convert(const std::string& original, ImageKind kind, OutputFormat format,
                           const std::string& targetPath, int orientation = 0) const;

private:
    VipsEngineOptions options_;
};

}  // namespace obscura::media

// The engine module's only exported symbol: the loader (vips_engine.cpp, through the kernel's plugin loader) reads
// abi_version before anything else. Every call is guarded here so that no exception leaves the module: libvips'
// own errors are already Errors (VError is caught in vips_image_engine.cpp); this catches the rest (bad_alloc, …).
#include <exception>
#include <string>

#include "image_engine_abi.hpp"
#include "vips_image_engine.hpp"

namespace obscura::media {
namespace {

template <typename Fn>
auto guarded(const char* what, Fn&& fn) -> decltype(fn()) {
    try {
        return fn();
    } catch (const std::exception& e) {
        return internalError(std::string("the image engine failed while ") + what + ": " + e.what());
    } catch (...) {
        return internalError(std::string("the image engine failed while ") + what);
    }
}

class GuardedVipsEngine final : public ImageEngineModule {
public:
    Status start(const VipsSettings& settings, EngineLogFn log) override {
        return guarded("starting libvips", [&] { return VipsImageEngine::initialise(settings, log); });
    }
    void shutdown() override {
        try {
            VipsImageEngine::shutdown();
        } catch (...) {  // at exit: nothing left to report it to
        }
    }
    Expected<DerivativeSizes> makePreviewAndThumbnail(const VipsEngineOptions& options, const std::string& original,
                                                      ImageKind kind, const std::string& previewPath,
                                                      const std::string& thumbnailPath, int orientation) override {
        return guarded("making a preview and thumbnail", [&] {
            return VipsImageEngine(options).makePreviewAndThumbnail(original, kind, previewPath, thumbnailPath,
                                                                    orientation);
        });
    }
    Expected<PerceptualHashes> hashThumbnail(const VipsEngineOptions& options, const std::string& webpPath) override {
        return guarded("hashing a thumbnail", [&] { return VipsImageEngine(options).hashThumbnail(webpPath); });
    }
    Expected<Size> makeAvatar(const VipsEngineOptions& options, const std::string& original, ImageKind kind,
                              const std::string& avatarPath) override {
        return guarded("making an avatar",
                       [&] { return VipsImageEngine(options).makeAvatar(original, kind, avatarPath); });
    }
    Expected<Size> convert(const VipsEngineOptions& options, const std::string& original, ImageKind kind,
                           OutputFormat format, const std::string& targetPath, int orientation) override {
        return guarded("converting an image", [&] {
            return VipsImageEngine(options).convert(original, kind, format, targetPath, orientation);
        });
    }
};

GuardedVipsEngine gEngine;

const obscura_media_engine_v1 gEntry{kImageEngineAbiVersion, "vips", &gEngine};

}  // namespace
}  // namespace obscura::media

OBSCURA_MEDIA_ENGINE_EXPORT const obscura_media_engine_v1* obscura_media_engine_entry(void) {
    return &obscura::media::gEntry;
}

#include "vips_engine.hpp"

#include <exception>
#include <filesystem>
#include <map>
#include <mutex>

#include "image_engine_abi.hpp"
#include "obscura/kernel/log.hpp"
#include "obscura/kernel/plugin_loader.hpp"

namespace obscura::media {
namespace {

const PluginKind& engineKind() {
    static const PluginKind kind{"media",
                                 "image engine",
                                 "the image engine",
                                 "media.engineDir (OBSCURA_MEDIA_ENGINE_DIR)",
                                 "vips",
                                 OBSCURA_MEDIA_ENGINE_ENTRY_SYMBOL,
                                 kImageEngineAbiVersion};
    return kind;
}

struct LoadedEngine {
    ImageEngineModule* engine = nullptr;
    std::string path;
};

void logFromEngine(const char* message) { log::debug(message != nullptr ? message : ""); }

// The modules loaded so far, by engineDir (tests point some engines at broken folders). A module stays loaded until
// exit (never dlclose'd: libvips keeps threads and GTypes). A failure is not remembered: the next image tries
// again, so an install fixed while the server runs needs no restart and retried jobs see the fix.
std::mutex gLoadedMutex;
std::map<std::string, LoadedEngine>& loadedEngines() {
    static std::map<std::string, LoadedEngine> engines;
    return engines;
}

Expected<LoadedEngine> loadEngine(const std::string& engineDir) {
    std::lock_guard lock(gLoadedMutex);
    auto& engines = loadedEngines();
    if (auto it = engines.find(engineDir); it != engines.end()) return it->second;
    auto loaded =
        loadPlugin(engineKind(), "vips", engineDir, entryReader<obscura_media_engine_v1>(kImageEngineAbiVersion));
    if (!loaded) {
        // Unavailable whatever the cause: the server's installation is at fault, not the photo, so the job is
        // retried with backoff (and meets a fixed install) before it fails with this reason.
        return unavailable("the image engine (libvips, in obscura_media_vips.so) is not available: " +
                           loaded.error().message);
    }
    LoadedEngine engine{static_cast<ImageEngineModule*>(loaded->factory), loaded->path};
    log::info("image engine loaded from " + engine.path);
    engines.emplace(engineDir, engine);
    return engine;
}

// The module's answer, guarded like openStorage guards a storage plugin: a module that breaks its contract and
// throws fails the call, not the process.
template <typename Fn>
auto callEngine(const LoadedEngine& loaded, Fn&& fn) -> decltype(fn(*loaded.engine)) {
    try {
        return fn(*loaded.engine);
    } catch (const std::exception& e) {
        return internalError("the image engine " + loaded.path + " threw: " + e.what());
    } catch (...) {
        return internalError("the image engine " + loaded.path + " threw");
    }
}

// Loaded and started (libvips with the default settings unless initialise() chose others first).
Expected<LoadedEngine> startedEngine(const std::string& engineDir, const VipsSettings& settings = {}) {
    OBSCURA_TRY(loaded, loadEngine(engineDir));
    OBSCURA_TRY_STATUS(callEngine(loaded, [&](ImageEngineModule& e) { return e.start(settings, logFromEngine); }));
    return loaded;
}

}  // namespace

Expected<ImageKind> imageKindFromName(std::string_view name) {
    if (name == "jpeg") return ImageKind::Jpeg;
    if (name == "png") return ImageKind::Png;
    if (name == "webp") return ImageKind::Webp;
    if (name == "gif") return ImageKind::Gif;
    if (name == "heic") return ImageKind::Heic;
    if (name == "heif") return ImageKind::Heif;
    if (name == "tiff") return ImageKind::Tiff;
    for (std::string_view raw : {"dng", "cr2", "cr3", "nef", "arw", "raf", "orf", "rw2", "pef"}) {
        if (name == raw) return ImageKind::Raw;
    }
    return internalError("no image engine for media type '" + std::string(name) + "'");
}

Status VipsEngine::initialise(const VipsSettings& settings, const std::string& engineDir) {
    OBSCURA_TRY_STATUS(startedEngine(engineDir, settings));
    return {};
}

void VipsEngine::shutdown() {
    std::lock_guard lock(gLoadedMutex);
    for (auto& [dir, loaded] : loadedEngines()) {
        try {
            loaded.engine->shutdown();
        } catch (...) {  // at exit: nothing left to report it to
        }
    }
}

Status VipsEngine::checkInstalled(const std::string& engineDir) {
    std::string looked;
    for (const auto& path : pluginCandidates(engineKind(), "vips", engineDir)) {
        std::error_code ec;
        if (std::filesystem::exists(path, ec)) return {};
        looked += (looked.empty() ? "" : ", ") + path;
    }
    return unavailable("the image engine obscura_media_vips.so (libvips) is not installed; looked at: " +
                       (looked.empty() ? std::string("no path (the executable's own path is unknown)") : looked));
}

VipsEngine::VipsEngine(VipsEngineOptions options) : options_(std::move(options)) {}

Expected<DerivativeSizes> VipsEngine::makePreviewAndThumbnail(const std::string& original, ImageKind kind,
                                                              const std::string& previewPath,
                                                              const std::string& thumbnailPath, int orientation) const {
    OBSCURA_TRY(loaded, startedEngine(options_.engineDir));
    return callEngine(loaded, [&](ImageEngineModule& e) {
        return e.makePreviewAndThumbnail(options_, original, kind, previewPath, thumbnailPath, orientation);
    });
}

Expected<PerceptualHashes> VipsEngine::hashThumbnail(const std::string& webpPath) const {
    OBSCURA_TRY(loaded, startedEngine(options_.engineDir));
    return callEngine(loaded, [&](ImageEngineModule& e) { return e.hashThumbnail(options_, webpPath); });
}

Expected<Size> VipsEngine::makeAvatar(const std::string& original, ImageKind kind,
                                      const std::string& avatarPath) const {
    OBSCURA_TRY(loaded, startedEngine(options_.engineDir));
    return callEngine(loaded, [&](ImageEngineModule& e) { return e.makeAvatar(options_, original, kind, avatarPath); });
}

Expected<Size> VipsEngine::convert(const std::string& original, ImageKind kind, OutputFormat format,
                                   const std::string& targetPath, int orientation) const {
    OBSCURA_TRY(loaded, startedEngine(options_.engineDir));
    return callEngine(loaded, [&](ImageEngineModule& e) {
        return e.convert(options_, original, kind, format, targetPath, orientation);
    });
}

}  // namespace obscura::media

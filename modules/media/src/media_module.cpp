#include "obscura/media/media_module.hpp"

#include <cstdlib>

#include "features_handler.hpp"
#include "obscura/images/images_module.hpp"
#include "obscura/kernel/config.hpp"
#include "obscura/kernel/log.hpp"
#include "obscura/kernel/router.hpp"
#include "tool_lookup.hpp"

namespace obscura::media {

MediaModule::MediaModule(const Config& config, ModuleContext& ctx) : ctx_(ctx) {
    // Media works on images' assets: it must be listed after images (checked here, at start).
    ctx.get<images::ImagesModule>();
    const char* path = std::getenv("PATH");
    ffmpegPath_ = findExecutable("ffmpeg", path ? path : "/usr/bin:/bin");
    smtpConfigured_ = !config.getString("media.smtp.host").empty();
    if (ffmpegPath_.empty()) log::warn("ffmpeg not found on PATH: video conversion and MP3 extraction are off");
}

Status MediaModule::onAllLoaded() {
    Features f;
    f.videoConversion = f.audioExtraction = !ffmpegPath_.empty();
    f.email = smtpConfigured_;
    return ctx_.router().add(featuresRoute(f));
}

}  // namespace obscura::media

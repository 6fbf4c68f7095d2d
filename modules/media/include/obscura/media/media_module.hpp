#pragma once
#include <memory>
#include <string_view>

#include "obscura/kernel/module.hpp"

namespace obscura::media {

// Derivatives and conversions (DESIGN.md sections 2, 3 and 6): thumbnails and previews with libvips, the
// browser-playable MP4 and on-demand conversions with ffmpeg, all as durable jobs on a bounded pool; the
// signed-in user's events over SSE; optional e-mail when a conversion is done.
class MediaModule final : public Module {
public:
    static constexpr std::string_view kName = "media";
    MediaModule(const Config& config, ModuleContext& ctx);
    ~MediaModule() override;
    std::string_view name() const override { return kName; }
    Status onAllLoaded() override;
    void onStopping() noexcept override;

private:
    struct Impl;
    ModuleContext& ctx_;
    std::unique_ptr<Impl> impl_;
};

}  // namespace obscura::media

#pragma once
#include <string_view>

#include "obscura/kernel/module.hpp"

namespace obscura::media {

// Derivatives and conversions (thumbnails, previews, playable video, MP3). This foundation version owns the
// derivatives table and reports which conversion tools this machine offers.
class MediaModule final : public Module {
public:
    static constexpr std::string_view kName = "media";
    MediaModule(const Config& config, ModuleContext& ctx);
    std::string_view name() const override { return kName; }
    Status onAllLoaded() override;

private:
    ModuleContext& ctx_;
    std::string ffmpegPath_;
    bool smtpConfigured_ = false;
};

}  // namespace obscura::media

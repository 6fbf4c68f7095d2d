#pragma once
#include <string_view>

#include "obscura/kernel/module.hpp"

namespace obscura::images {

// Assets and their metadata: upload, listing, albums, sharing, trash. This foundation version owns the
// assets table, the accepted media types, and the per-user statistics.
class ImagesModule final : public Module {
public:
    static constexpr std::string_view kName = "images";
    ImagesModule(const Config& config, ModuleContext& ctx);
    std::string_view name() const override { return kName; }
    Status onAllLoaded() override;

private:
    ModuleContext& ctx_;
};

}  // namespace obscura::images

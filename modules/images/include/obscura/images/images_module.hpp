#pragma once
#include <memory>
#include <string_view>

#include "obscura/kernel/module.hpp"

namespace obscura::images {

class AssetSource;

// Assets and their metadata: upload, listing, search, timeline, tags, trash, albums, sharing. Owns the
// assets' rows (through its repository), their files under <dataDir>/library/, the removal of derivatives
// with their asset, and each asset's derivative status (kept current from media's events).
class ImagesModule final : public Module {
public:
    static constexpr std::string_view kName = "images";
    ImagesModule(const Config& config, ModuleContext& ctx);
    ~ImagesModule() override;
    std::string_view name() const override { return kName; }
    Status onAllLoaded() override;
    void onStopping() noexcept override;
    // For the media module: the assets it makes derivatives of.
    AssetSource& assetSource();

private:
    struct Impl;
    ModuleContext& ctx_;
    std::unique_ptr<Impl> impl_;
};

}  // namespace obscura::images

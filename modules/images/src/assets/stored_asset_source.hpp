#pragma once
// images' side of obscura/images/asset_source.hpp: answers media's questions from the assets' rows.
#include <string>

#include "obscura/images/asset_source.hpp"

namespace obscura::storage {
class Storage;
}

namespace obscura::images {

class BandwidthMeter;
class DerivativeTracker;

class StoredAssetSource final : public AssetSource {
public:
    StoredAssetSource(storage::Storage& storage, DerivativeTracker& tracker, BandwidthMeter& bandwidth);
    Expected<std::optional<SourceAsset>> find(const std::string& ownerId, const std::string& assetId) override;
    Status recordDerivatives(const SourceAsset& asset, const std::vector<DerivativeState>& states) override;
    Status recordPerceptualHash(const SourceAsset& asset, std::uint64_t hash) override;
    Expected<std::vector<Unhashed>> unhashedImages(const std::string& afterId, int limit) override;
    Expected<std::int64_t> countUnhashedImages() override;
    std::string userDerivedPrefix(const std::string& userId) const override;
    void countServedBytes(const std::string& ownerId, std::uint64_t bytes) override;

private:
    storage::Storage& storage_;
    DerivativeTracker& tracker_;
    BandwidthMeter& bandwidth_;
};

}  // namespace obscura::images

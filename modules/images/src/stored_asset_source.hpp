#pragma once
// images' side of obscura/images/asset_source.hpp: answers media's questions from the assets' rows.
#include <string>

#include "obscura/images/asset_source.hpp"

namespace obscura::storage {
class Storage;
}

namespace obscura::images {

class StoredAssetSource final : public AssetSource {
public:
    StoredAssetSource(storage::Storage& storage, std::string dataDir);
    Expected<std::optional<SourceAsset>> find(const std::string& ownerId, const std::string& assetId) override;
    std::string userDerivedDir(const std::string& userId) const override;

private:
    storage::Storage& storage_;
    std::string dataDir_;
};

}  // namespace obscura::images

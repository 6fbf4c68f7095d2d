#pragma once
#include "obscura/storage/repositories.hpp"
#include "sql_session.hpp"

namespace obscura::sql {

// The images module's assets, on one borrowed connection. Writes in sql_images_repository.cpp, listings
// and aggregates in sql_asset_listing.cpp. The derived rows — tag rows, the per-owner usage totals, the
// library version, and the search index where the dialect keeps it in code — every write here updates itself,
// in the same transaction (its own when the caller has none), on every backend.
class SqlImagesRepository final : public storage::ImagesRepository {
public:
    explicit SqlImagesRepository(Session& session) : s_(session) {}

    Expected<storage::AssetCounts> countAssets(const std::string& ownerId) override;
    Status createAsset(const storage::AssetRecord& asset) override;
    Expected<std::optional<storage::AssetRecord>> findAsset(const std::string& ownerId, const std::string& id) override;
    Expected<std::optional<storage::AssetRecord>> findAssetByChecksum(const std::string& ownerId,
                                                                      const std::string& checksum) override;
    Expected<std::optional<storage::AssetRecord>> findAssetByStoragePath(const std::string& storagePath) override;
    Expected<storage::AssetPage> listAssets(const storage::AssetQuery& query) override;
    Expected<bool> visitAssets(const storage::AssetQuery& query,
                               const std::function<void(const storage::AssetView&)>& item) override;
    Expected<std::int64_t> libraryVersion(const std::string& ownerId) override;
    Expected<storage::AssetWrite> updateAsset(const std::string& ownerId, const std::string& id,
                                              const storage::AssetUpdate& update) override;
    Expected<storage::AssetWrite> trashAsset(const std::string& ownerId, const std::string& id,
                                             const std::string& trashedAt, std::int64_t trashedAtUs) override;
    Expected<std::vector<std::string>> restoreAssets(const std::string& ownerId, const std::vector<std::string>& ids,
                                                     const std::string& updatedAt) override;
    Expected<std::vector<storage::AssetRecord>> listTrashedBefore(std::int64_t trashedBeforeUs, int limit) override;
    Expected<bool> deleteAsset(const std::string& ownerId, const std::string& id, bool onlyIfTrashed) override;
    Expected<std::vector<storage::TimelineBucket>> timeline(const storage::AssetFilter& filter) override;
    Expected<std::vector<storage::TagCount>> tags(const std::string& ownerId) override;
    Expected<storage::AssetUsage> usage(const std::string& ownerId, const std::string& month) override;
    Status addBandwidth(const std::string& ownerId, const std::string& month, std::int64_t bytes) override;
    Expected<storage::AssetWrite> setDerivativeState(const std::string& assetId, const std::string& kind,
                                                     const std::string& state, std::int64_t version,
                                                     std::optional<std::int64_t> derivedBytes) override;
    Expected<storage::AssetWrite> setFileMissing(const std::string& assetId, bool missing) override;
    Expected<std::vector<storage::AssetRecord>> listOwnerAssets(const std::string& ownerId, const std::string& afterId,
                                                                int limit) override;
    Expected<std::vector<storage::AssetRecord>> listAllAssets(const std::string& afterId, int limit) override;
    // Finding photos again: sql_finding.cpp.
    Expected<storage::MapMarkers> mapMarkers(const storage::MarkerFilter& filter) override;
    Expected<std::vector<storage::AssetRecord>> memories(const storage::MemoryQuery& query) override;
    // sql_live_photos.cpp
    Expected<std::optional<storage::AssetRecord>> findLivePartner(const storage::AssetRecord& asset,
                                                                  std::int64_t windowUs) override;
    Status linkLivePhoto(const std::string& ownerId, const std::string& stillId, const std::string& videoId) override;

private:
    // One owner's rows of a listing page (limit + 1 at most), unguarded: listAssets guards the whole page.
    Expected<std::vector<storage::AssetRecord>> ownerPage(const storage::AssetQuery& query);
    // listAssets unguarded (visitAssets reads through it too).
    Expected<storage::AssetPage> listPage(const storage::AssetQuery& query);

    Session& s_;
};

// Inserts a valid asset row with its tags, search entry, usage totals and library version (createAsset, and
// migrate-storage's import). Throws SqlError; the caller provides the transaction.
void insertAsset(Session& connection, const storage::AssetRecord& asset);

}  // namespace obscura::sql

#include "assets/stored_asset_source.hpp"

#include "assets/derivative_tracker.hpp"
#include "duplicates/asset_place.hpp"
#include "library/bandwidth_meter.hpp"
#include "library/library_layout.hpp"
#include "obscura/base/ids.hpp"
#include "obscura/images/media_types.hpp"
#include "obscura/kernel/storage_calls.hpp"
#include "obscura/storage/storage.hpp"

namespace obscura::images {

StoredAssetSource::StoredAssetSource(storage::Storage& storage, DerivativeTracker& tracker, BandwidthMeter& bandwidth)
    : storage_(storage), tracker_(tracker), bandwidth_(bandwidth) {}

void StoredAssetSource::countServedBytes(const std::string& ownerId, std::uint64_t bytes) {
    bandwidth_.add(ownerId, static_cast<std::int64_t>(bytes));
}

Status StoredAssetSource::recordDerivatives(const SourceAsset& asset, const std::vector<DerivativeState>& states) {
    std::vector<DerivativeTracker::Change> changes;
    for (const auto& d : states)
        changes.push_back(
            {d.kind, d.ready ? storage::kDerivativeReady : storage::kDerivativeFailed, d.ready ? d.version : 0});
    return tracker_.record(asset.id, asset.ownerId, changes);
}

Expected<std::optional<SourceAsset>> StoredAssetSource::find(const std::string& ownerId, const std::string& assetId) {
    // Ids reach blob keys below: only UUIDs do.
    if (!isUuid(ownerId) || !isUuid(assetId)) return std::optional<SourceAsset>{};
    OBSCURA_TRY(record, withRepos(storage_, [&](storage::Repositories& repos) {
                    return repos.images().findAsset(ownerId, assetId);
                }));
    if (!record) return std::optional<SourceAsset>{};
    const MediaType* type = mediaTypeByMime(record->mimeType);
    if (type == nullptr)
        return Error(ErrorCode::Internal, "asset " + assetId + " has a type outside the table: " + record->mimeType);
    SourceAsset out;
    out.id = record->id;
    out.ownerId = record->ownerId;
    out.type = record->type;
    out.sniffedName = std::string(type->name);
    out.originalKey = record->storagePath;
    out.derivedPrefix = std::string(kDerivedDir) + "/" + ownerId + "/" + assetId;
    out.durationSeconds = record->durationSeconds;
    out.isTrashed = record->isTrashed;
    return std::optional<SourceAsset>(std::move(out));
}

Status StoredAssetSource::recordPerceptualHash(const SourceAsset& asset, std::uint64_t hash) {
    return withRepos(storage_, [&](storage::Repositories& repos) -> Status {
        OBSCURA_TRY(record, repos.images().findAsset(asset.ownerId, asset.id));
        if (!record) return {};  // deleted meanwhile: nothing to hash
        storage::PerceptualHashRecord row;
        row.assetId = asset.id;
        row.ownerId = asset.ownerId;
        row.hash = hash;
        if (const auto place = placeOf(*record)) {
            row.latitude = place->latitude;
            row.longitude = place->longitude;
        }
        auto put = repos.dupes().putPerceptualHash(row);
        if (!put && put.error().code == ErrorCode::NotFound) return {};
        return put;
    });
}

Expected<std::vector<AssetSource::Unhashed>> StoredAssetSource::unhashedImages(const std::string& afterId, int limit) {
    OBSCURA_TRY(rows, withRepos(storage_, [&](storage::Repositories& repos) {
                    return repos.dupes().listUnhashedImages(afterId, limit);
                }));
    std::vector<Unhashed> out;
    for (auto& r : rows) out.push_back({std::move(r.assetId), std::move(r.ownerId)});
    return out;
}

Expected<std::int64_t> StoredAssetSource::countUnhashedImages() {
    return withRepos(storage_, [&](storage::Repositories& repos) { return repos.dupes().countUnhashedImages(); });
}

std::string StoredAssetSource::userDerivedPrefix(const std::string& userId) const {
    return std::string(kDerivedDir) + "/" + userId;
}

}  // namespace obscura::images

#pragma once
// The images module's repository: assets as domain operations (DESIGN.md section 3, "Assets"). Every query
// is scoped to one owner unless its name says otherwise (the purge, user deletion and fsck walk everything):
// another owner's asset is simply absent (nullopt / NotFound), so the module answers 404, never 403.
//
// The upload path (the "bytes" side of the images module) relies on createAsset, findAssetByChecksum and
// findAsset: it checks for a duplicate first, and when two identical uploads race, the unique index on
// (ownerId, checksum) makes exactly one createAsset succeed; the other gets Conflict and answers with the
// existing row (findAssetByChecksum) as a duplicate.
//
// Listings are keyset-paginated on (takenAtUs, id) and served by indexes; no plugin may use OFFSET.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "obscura/base/expected.hpp"
#include "obscura/storage/asset_records.hpp"
#include "obscura/storage/finding_records.hpp"
#include "obscura/storage/records.hpp"

namespace obscura::storage {

class ImagesRepository {
public:
    virtual ~ImagesRepository() = default;

    // Live (not trashed) assets of one owner, by type (GET /api/assets/statistics).
    virtual Expected<AssetCounts> countAssets(const std::string& ownerId) = 0;

    // Conflict when the id or storagePath is taken, or when the owner already has an asset with this
    // checksum. Within a transaction a Conflict fails only this statement: the transaction stays usable.
    // Invalid when the record breaks a rule (type, checksum form, trashed without trashedAt…).
    virtual Status createAsset(const AssetRecord& asset) = 0;
    // nullopt when the asset does not exist or belongs to another owner.
    virtual Expected<std::optional<AssetRecord>> findAsset(const std::string& ownerId, const std::string& id) = 0;
    // Any state (trashed too): a re-upload of trashed bytes is still a duplicate.
    virtual Expected<std::optional<AssetRecord>> findAssetByChecksum(const std::string& ownerId,
                                                                     const std::string& checksum) = 0;
    // fsck: which row (any owner) claims a file.
    virtual Expected<std::optional<AssetRecord>> findAssetByStoragePath(const std::string& storagePath) = 0;

    // One page of the owner's assets matching the filter, in (takenAtUs, id) order, after the cursor.
    virtual Expected<AssetPage> listAssets(const AssetQuery& query) = 0;
    // The same page for a caller that only writes it out (the listing's JSON): each of listAssets' items handed to
    // `item` in order as it is read, without building records; answers listAssets' hasMore. A view lives only
    // during its call, and `item` must not use the repository.
    virtual Expected<bool> visitAssets(const AssetQuery& query, const std::function<void(const AssetView&)>& item) = 0;
    // A number that grows with every committed write that can change what a listing of this owner shows (an
    // asset created, changed, trashed, restored or deleted, a derivative's state, album membership, an album
    // deleted); 0 before the owner's first asset. Listings cached under it are exact: read it first, then the
    // page, in the same process or another replica.
    virtual Expected<std::int64_t> libraryVersion(const std::string& ownerId) = 0;

    // Writes the fields set in update (and updatedAt). NotFound for a missing or foreign asset.
    virtual Expected<AssetWrite> updateAsset(const std::string& ownerId, const std::string& id,
                                             const AssetUpdate& update) = 0;

    // Moves a live asset to the trash. Unchanged when it already was there (its trashedAt is kept).
    virtual Expected<AssetWrite> trashAsset(const std::string& ownerId, const std::string& id,
                                            const std::string& trashedAt, std::int64_t trashedAtUs) = 0;
    // Takes the given assets (ids empty: every trashed asset of the owner) out of the trash; ids that are
    // not in the owner's trash are skipped. Answers the ids restored.
    virtual Expected<std::vector<std::string>> restoreAssets(const std::string& ownerId,
                                                             const std::vector<std::string>& ids,
                                                             const std::string& updatedAt) = 0;
    // Trashed assets of every owner trashed before the given time, oldest first, at most limit (the purge).
    virtual Expected<std::vector<AssetRecord>> listTrashedBefore(std::int64_t trashedBeforeUs, int limit) = 0;
    // Removes the row (its tags with it). With onlyIfTrashed, only while it is still in the trash, so a
    // purge racing a restore never deletes the restored asset. False when nothing was deleted.
    virtual Expected<bool> deleteAsset(const std::string& ownerId, const std::string& id, bool onlyIfTrashed) = 0;

    // Months with assets matching the filter (its cursor-free part), newest first. The month is taken from
    // takenAt as written, i.e. in the asset's own offset: a photo taken on 31 July 23:30 in Tokyo is July.
    virtual Expected<std::vector<TimelineBucket>> timeline(const AssetFilter& filter) = 0;
    // The owner's tags with the number of live (not trashed) assets carrying each, by tag (ASCII
    // case-insensitive order).
    virtual Expected<std::vector<TagCount>> tags(const std::string& ownerId) = 0;

    // Storage figures of one owner; bandwidth of `month` ("2024-05", UTC).
    virtual Expected<AssetUsage> usage(const std::string& ownerId, const std::string& month) = 0;
    // Adds served bytes to the owner's total for `month` ("2024-05", UTC); creates the row as needed.
    virtual Status addBandwidth(const std::string& ownerId, const std::string& month, std::int64_t bytes) = 0;

    // Records a derivative's state (kind: thumbnail | preview | video; state: pending | ready | failed). The
    // version never goes down (events may arrive late or twice); derivedBytes, when given, replaces the
    // asset's total of derivative bytes. NotFound when the asset is gone; Invalid for an unknown kind/state.
    virtual Expected<AssetWrite> setDerivativeState(const std::string& assetId, const std::string& kind,
                                                    const std::string& state, std::int64_t version,
                                                    std::optional<std::int64_t> derivedBytes) = 0;
    // fsck --repair: marks (or clears) a row whose original file is gone.
    virtual Expected<AssetWrite> setFileMissing(const std::string& assetId, bool missing) = 0;

    // Live photos. The owner's live, unpaired asset of the other kind (a video for an image, an image for a video)
    // that pairs with `asset`: the same liveContentId first; else the same liveBaseName taken within windowUs of it,
    // unless both carry different identifiers. nullopt when none (or when `asset` has no key at all).
    virtual Expected<std::optional<AssetRecord>> findLivePartner(const AssetRecord& asset, std::int64_t windowUs) = 0;
    // Pairs them: the still names the video, the video is hidden from listings and from the live counts
    // (countAssets). NotFound when either is not the owner's or the video is not a video; Conflict when the still
    // names another video or the video is another still's. Linking a pair again changes nothing.
    virtual Status linkLivePhoto(const std::string& ownerId, const std::string& stillId,
                                 const std::string& videoId) = 0;

    // Every asset of one owner in id order, after afterId ("" = from the start), at most limit.
    virtual Expected<std::vector<AssetRecord>> listOwnerAssets(const std::string& ownerId, const std::string& afterId,
                                                               int limit) = 0;
    // Every asset of every owner in id order (fsck), after afterId ("" = from the start), at most limit.
    virtual Expected<std::vector<AssetRecord>> listAllAssets(const std::string& afterId, int limit) = 0;

    // Finding photos again (DESIGN.md section 11).
    // The positions of the assets the filter selects, read from one index per owner (owner, flags, latitude,
    // longitude, time, favourite, id) that covers the query.
    virtual Expected<MapMarkers> mapMarkers(const MarkerFilter& filter) = 0;
    // On-this-day assets, newest first, at most query.limit; an index range per (owner, flags, month-day).
    virtual Expected<std::vector<AssetRecord>> memories(const MemoryQuery& query) = 0;
};

}  // namespace obscura::storage

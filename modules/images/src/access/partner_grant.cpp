#include "access/grants.hpp"
#include "obscura/storage/repositories.hpp"

namespace obscura::images {

// Partners (DESIGN.md section 7): the sharer's live, unarchived assets, read-only (allow() keeps Change and Trash
// the owner's). Read on every request, so an ended partnership stops the very next one.
Expected<std::optional<AssetGrant>> partnerGrant(storage::Repositories& repos, const std::string& callerId,
                                                 const std::string& assetId) {
    OBSCURA_TRY(shared, repos.partners().findSharedAsset(callerId, assetId));
    if (!shared) return std::optional<AssetGrant>{};
    return std::optional<AssetGrant>(AssetGrant{std::move(*shared), AssetRelation::Partner, true});
}

}  // namespace obscura::images

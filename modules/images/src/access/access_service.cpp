#include "access/access_service.hpp"

#include "access/grants.hpp"
#include "obscura/base/ids.hpp"
#include "obscura/kernel/storage_calls.hpp"
#include "obscura/storage/storage.hpp"

namespace obscura::images {

Expected<std::optional<AssetGrant>> AccessService::asset(const std::string& callerId, const std::string& assetId) {
    if (!isUuid(assetId)) return std::optional<AssetGrant>{};
    // One read-only snapshot, so the answer is one consistent view even while a share is being ended.
    return withRepos(storage_, [&](storage::Repositories& repos) -> Expected<std::optional<AssetGrant>> {
        OBSCURA_TRY(own, repos.images().findAsset(callerId, assetId));
        if (own) return std::optional<AssetGrant>(AssetGrant{std::move(*own), AssetRelation::Owner, true});
        OBSCURA_TRY(partner, partnerGrant(repos, callerId, assetId));
        if (partner) return partner;
        return albumGrant(repos, callerId, assetId);
    });
}

Expected<AssetGrant> AccessService::visibleAsset(const std::string& callerId, const std::string& assetId) {
    OBSCURA_TRY(grant, asset(callerId, assetId));
    if (!grant) return notFound("asset not found");
    return std::move(*grant);
}

Status AccessService::allow(const AssetGrant& grant, AssetAction action) {
    switch (action) {
        case AssetAction::View:
            return {};
        case AssetAction::Download:
            if (grant.mayDownload) return {};
            return Error(ErrorCode::Forbidden, "the album's owner does not allow downloading its originals");
        case AssetAction::Change:
        case AssetAction::Trash:
            if (grant.relation == AssetRelation::Owner) return {};
            return Error(ErrorCode::Forbidden, "only the asset's owner may change or delete it");
    }
    return Error(ErrorCode::Forbidden, "not allowed");
}

}  // namespace obscura::images

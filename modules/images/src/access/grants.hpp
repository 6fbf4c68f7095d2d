#pragma once
// The ways into someone else's asset, one file each, tried in order by AccessService::asset() after the
// caller's own assets. Each answers nullopt when its kind of sharing does not reach the asset.
#include <optional>
#include <string>

#include "access/access_service.hpp"

namespace obscura::storage {
class Repositories;
}

namespace obscura::images {

// partner_grant.cpp: the asset when its owner shares their library with the caller and the asset is live
// (neither trashed nor archived). Read-only.
Expected<std::optional<AssetGrant>> partnerGrant(storage::Repositories& repos, const std::string& callerId,
                                                 const std::string& assetId);

// album_grant.cpp: the asset when it is in an album the caller is a member of (directly, through a group, or
// inherited from an ancestor album), with the strongest role.
Expected<std::optional<AssetGrant>> albumGrant(storage::Repositories& repos, const std::string& callerId,
                                               const std::string& assetId);

}  // namespace obscura::images

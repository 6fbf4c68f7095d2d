#include "access/grants.hpp"

namespace obscura::images {

// Partners (DESIGN.md section 7) do not exist in the schema yet: no partner reaches any asset.
Expected<std::optional<AssetGrant>> partnerGrant(storage::Repositories&, const std::string&, const std::string&) {
    return std::optional<AssetGrant>{};
}

}  // namespace obscura::images

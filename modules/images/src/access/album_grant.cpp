#include "access/grants.hpp"

namespace obscura::images {

// Album members (DESIGN.md section 7) do not exist in the schema yet: an album reaches only its owner.
Expected<std::optional<AssetGrant>> albumGrant(storage::Repositories&, const std::string&, const std::string&) {
    return std::optional<AssetGrant>{};
}

}  // namespace obscura::images

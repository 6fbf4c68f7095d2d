#include <nlohmann/json.hpp>

#include "obscura/images/events.hpp"

namespace obscura::images {

// nlohmann's NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE, minus `inline`: the functions are declared in events.hpp
// (which only sees json_fwd.hpp) and must be emitted here, once.
#define OBSCURA_EVENT_JSON(Type, ...)                                              \
    void to_json(nlohmann::json& nlohmann_json_j, const Type& nlohmann_json_t) {   \
        NLOHMANN_JSON_EXPAND(NLOHMANN_JSON_PASTE(NLOHMANN_JSON_TO, __VA_ARGS__))   \
    }                                                                              \
    void from_json(const nlohmann::json& nlohmann_json_j, Type& nlohmann_json_t) { \
        NLOHMANN_JSON_EXPAND(NLOHMANN_JSON_PASTE(NLOHMANN_JSON_FROM, __VA_ARGS__)) \
    }

OBSCURA_EVENT_JSON(AssetCreated, id, ownerId, type, mimeType)
OBSCURA_EVENT_JSON(AssetUpdated, id, ownerId)
OBSCURA_EVENT_JSON(AssetTrashed, id, ownerId)
OBSCURA_EVENT_JSON(AssetRestored, id, ownerId)
OBSCURA_EVENT_JSON(AssetDeleted, id, ownerId)
OBSCURA_EVENT_JSON(DerivativeCreated, assetId, ownerId, kind, version)
OBSCURA_EVENT_JSON(DerivativeFailed, assetId, ownerId, kind, reason)
OBSCURA_EVENT_JSON(JobProgressed, jobId, assetId, ownerId, kind, state, progress)
OBSCURA_EVENT_JSON(PartnerAdded, sharedById, sharedWithId, sharedByUsername, sharedByDisplayName)
OBSCURA_EVENT_JSON(AlbumShared, albumId, albumName, ownerId, ownerName, userId, role)

#undef OBSCURA_EVENT_JSON

}  // namespace obscura::images

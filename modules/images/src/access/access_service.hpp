#pragma once
// Who may do what to an asset, in one place (DESIGN.md section 7). Every route that names an asset asks
// asset() first: nullopt means the caller cannot see it, and the route answers 404 exactly as for a missing id
// (nobody learns that someone else's asset exists). A visible asset then passes allow() for what the route does:
// viewing and downloading may come from sharing, changing and trashing stay the owner's (403 forbidden).
#include <cstdint>
#include <optional>
#include <string>

#include "obscura/base/expected.hpp"
#include "obscura/storage/asset_records.hpp"

namespace obscura::storage {
class Storage;
}

namespace obscura::images {

// Why the caller sees an asset, strongest first.
enum class AssetRelation : std::uint8_t { Owner, Partner, AlbumEditor, AlbumViewer };

struct AssetGrant {
    storage::AssetRecord asset;
    AssetRelation relation = AssetRelation::Owner;
    bool mayDownload = true;  // the original; false when the only way in is an album whose owner forbids it
};

enum class AssetAction : std::uint8_t {
    View,      // the asset object, thumbnail, preview, playable video
    Download,  // the original file
    Change,    // title, description, tags, favourite, archive, taken-at: the owner's own marks
    Trash,     // trash, restore, delete for good
};

class AccessService {
public:
    explicit AccessService(storage::Storage& storage) : storage_(storage) {}

    // The asset and why the caller may see it; nullopt = not visible (the route answers 404). Ids that are not
    // UUIDs name nothing.
    Expected<std::optional<AssetGrant>> asset(const std::string& callerId, const std::string& assetId);
    // The visible asset named by the request's {id}, or 404 not_found.
    Expected<AssetGrant> visibleAsset(const std::string& callerId, const std::string& assetId);

    // Ok, or 403 forbidden when the grant does not allow the action.
    static Status allow(const AssetGrant& grant, AssetAction action);

private:
    storage::Storage& storage_;
};

}  // namespace obscura::images

// Album access (DESIGN.md section 7): the grant to another owner's asset through an album, and
// AccessService::album(). Both ask the storage on every call — no grant is cached — so a member removed from an
// album, or from a group the album is shared with, loses access on the very next request, on every replica.
#include "access/album_grant.hpp"

#include "access/access_service.hpp"
#include "access/grants.hpp"
#include "obscura/base/ids.hpp"
#include "obscura/kernel/storage_calls.hpp"
#include "obscura/storage/storage.hpp"

namespace obscura::images {

using storage::AlbumRole;

const char* roleName(AlbumRole role) {
    switch (role) {
        case AlbumRole::Owner:
            return "owner";
        case AlbumRole::Editor:
            return "editor";
        case AlbumRole::Viewer:
        case AlbumRole::None:
            break;
    }
    return "viewer";
}

std::optional<AlbumRole> memberRoleNamed(const std::string& name) {
    if (name == "viewer") return AlbumRole::Viewer;
    if (name == "editor") return AlbumRole::Editor;
    return std::nullopt;
}

// The asset when an album holding it is the caller's own, or one they hold a role on. Album owners see (and
// download) what editors added to their album; members download unless every album that lets them in forbids it.
// The asset must not be in its owner's trash: the trash is private.
Expected<std::optional<AssetGrant>> albumGrant(storage::Repositories& repos, const std::string& callerId,
                                               const std::string& assetId) {
    auto& sharing = repos.albumSharing();
    OBSCURA_TRY(albums, sharing.albumsHoldingAsset(assetId));
    AlbumRole best = AlbumRole::None;
    bool mayDownload = false;
    for (const auto& album : albums) {
        AlbumRole role = AlbumRole::Owner;
        if (album.ownerId != callerId) {
            OBSCURA_TRY(member, sharing.memberRole(callerId, album.id));
            role = member;
        }
        if (role == AlbumRole::None) continue;
        best = std::max(best, role);
        mayDownload = mayDownload || role == AlbumRole::Owner || album.allowDownload;
    }
    if (best == AlbumRole::None) return std::optional<AssetGrant>{};
    OBSCURA_TRY(asset, sharing.findAlbumAsset(assetId));
    if (!asset || asset->isTrashed) return std::optional<AssetGrant>{};
    // The album's owner holds the strongest album relation to a member's asset; changing it stays its owner's.
    const auto relation = best >= AlbumRole::Editor ? AssetRelation::AlbumEditor : AssetRelation::AlbumViewer;
    return std::optional<AssetGrant>(AssetGrant{std::move(*asset), relation, mayDownload});
}

Expected<std::optional<AlbumGrant>> AccessService::album(const std::string& callerId, const std::string& albumId) {
    if (!isUuid(albumId)) return std::optional<AlbumGrant>{};
    return withRepos(storage_, [&](storage::Repositories& repos) -> Expected<std::optional<AlbumGrant>> {
        OBSCURA_TRY(found, repos.albumSharing().findAnyAlbum(albumId));
        if (!found) return std::optional<AlbumGrant>{};
        if (found->album.ownerId == callerId)
            return std::optional<AlbumGrant>(AlbumGrant{std::move(*found), AlbumRole::Owner});
        OBSCURA_TRY(role, repos.albumSharing().memberRole(callerId, albumId));
        if (role == AlbumRole::None) return std::optional<AlbumGrant>{};
        return std::optional<AlbumGrant>(AlbumGrant{std::move(*found), role});
    });
}

Expected<AlbumGrant> AccessService::visibleAlbum(const std::string& callerId, const std::string& albumId) {
    OBSCURA_TRY(grant, album(callerId, albumId));
    if (!grant) return notFound("album not found");
    return std::move(*grant);
}

}  // namespace obscura::images

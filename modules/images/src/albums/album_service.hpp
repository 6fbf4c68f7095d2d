#pragma once
// Albums' rules and transactions (Immich's albums, DESIGN.md section 3). The routes parse a body, call one of
// these and write JSON; what an album may be called, which assets it may hold or show as its cover, and what is
// written in one transaction, is decided here. Another user's album is not found, exactly like a missing one, on
// every call, so nothing here ever reveals or changes another user's objects.
#include <optional>
#include <string>
#include <vector>

#include "access/album_grant.hpp"
#include "obscura/base/clock.hpp"
#include "obscura/base/expected.hpp"
#include "obscura/storage/album_records.hpp"
#include "obscura/storage/asset_records.hpp"

namespace obscura::storage {
class Storage;
}

namespace obscura::images {

struct NewAlbum {
    std::string name;
    std::string description;
    // Ids that are not the owner's live assets are skipped, as Immich does.
    std::vector<std::string> assetIds;
    // One of the owner's albums to nest this one in (422 unknown_parent otherwise); nullopt = the top level.
    std::optional<std::string> parentId = std::nullopt;
};

// Albums nest at most this deep (a parent whose chain is this long takes no child): 422 too_deep.
inline constexpr std::size_t kMaxAlbumDepth = 32;

// What adding or removing one id did, in the order the ids were given (the same id twice is two outcomes).
struct AlbumAssetOutcome {
    std::string id;
    const char* error = nullptr;  // nullptr on success, else "duplicate" (add) or "not_found"
};

class AlbumService {
public:
    AlbumService(storage::Storage& storage, const Clock& clock) : storage_(storage), clock_(clock) {}

    // The rules for an album's text, Invalid (422) when broken. The routes also call them while reading a body,
    // so that the first bad field decides the answer.
    static Status checkName(const std::string& name);
    static Status checkDescription(const std::string& description);

    Expected<storage::AlbumView> create(const std::string& ownerId, const NewAlbum& album);
    // Newest first.
    Expected<std::vector<storage::AlbumView>> list(const std::string& ownerId);
    // The owner's album, or NotFound (ids that are not UUIDs name nothing).
    Expected<storage::AlbumView> owned(const std::string& ownerId, const std::string& id);
    // Every asset of the album that is not in the trash (archived ones too), newest first.
    Expected<std::vector<storage::AssetRecord>> assets(const std::string& ownerId, const std::string& albumId);
    // The calls below take an album that owned() answered, so ownership is decided before anything else.
    // Changes the fields that are set (updatedAt is the service's); a cover must be an asset of the album; a
    // parent must be another of the owner's albums that is not inside this one (409 album_cycle).
    Expected<storage::AlbumView> update(const storage::AlbumView& album, storage::AlbumUpdate update);
    // Deletes the album and its share links; its assets stay. NotFound unless it is the owner's.
    Status remove(const std::string& ownerId, const std::string& albumId);
    // Only the owner's live assets can be added; an id of anyone else's is not_found like an id of nothing.
    Expected<std::vector<AlbumAssetOutcome>> addAssets(const storage::AlbumView& album,
                                                       const std::vector<std::string>& ids);
    Expected<std::vector<AlbumAssetOutcome>> removeAssets(const storage::AlbumView& album,
                                                          const std::vector<std::string>& ids);

    // The same for a caller holding a grant (AccessService::album): a viewer is 403 forbidden; the owner adds
    // their own assets and removes any; an editor adds their own live assets and removes only those (another
    // user's asset answers not_found in its result, as for an id that names nothing).
    Expected<std::vector<AlbumAssetOutcome>> changeAssetsAs(const AlbumGrant& grant, const std::string& callerId,
                                                            const std::vector<std::string>& ids, bool add);
    // Every asset of the album that is not in its owner's trash, whoever added it, newest first.
    Expected<std::vector<storage::AssetRecord>> memberAssets(const std::string& albumId);

private:
    Expected<std::vector<AlbumAssetOutcome>> changeAssets(const storage::AlbumView& album,
                                                          const std::vector<std::string>& ids, bool add,
                                                          const std::string* member = nullptr);

    storage::Storage& storage_;
    const Clock& clock_;
};

// The same checks for routes that only hold the storage (listing, timeline, upload's albumId).
Expected<storage::AlbumView> ownedAlbum(storage::Storage& storage, const std::string& ownerId, const std::string& id);
Expected<std::vector<storage::AssetRecord>> albumAssets(storage::Storage& storage, const std::string& ownerId,
                                                        const std::string& albumId);
// Every asset the query selects, following its keyset pages (of query.limit) to the end.
Expected<std::vector<storage::AssetRecord>> allPagesOf(storage::Storage& storage, storage::AssetQuery query);

}  // namespace obscura::images

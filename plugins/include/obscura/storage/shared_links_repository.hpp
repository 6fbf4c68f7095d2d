#pragma once
// The images module's share links as domain operations: owner-facing calls are scoped to one owner (another
// owner's link is absent, so 404), the public side finds a link only by the hash of its key.
#include <optional>
#include <string>
#include <vector>

#include "obscura/base/expected.hpp"
#include "obscura/storage/album_records.hpp"

namespace obscura::storage {

class SharedLinksRepository {
public:
    virtual ~SharedLinksRepository() = default;

    // Conflict when the id or keyHash is taken. assetIds are stored as given (the module checks
    // they are the owner's).
    virtual Status createSharedLink(const SharedLinkRecord& link) = 0;
    // Any owner: the public side finds a link by its key's hash. assetIds filled in.
    virtual Expected<std::optional<SharedLinkRecord>> findSharedLinkByKeyHash(const std::string& keyHash) = 0;
    // The owner's links, newest first, assetIds filled in.
    virtual Expected<std::vector<SharedLinkRecord>> listSharedLinks(const std::string& ownerId) = 0;
    // False when there was no such link of the owner.
    virtual Expected<bool> deleteSharedLink(const std::string& ownerId, const std::string& id) = 0;
    // Whether the link shows the asset: in its album, or in its asset set (any asset state; the module checks).
    virtual Expected<bool> sharedLinkHasAsset(const std::string& linkId, const std::string& assetId) = 0;
};

}  // namespace obscura::storage

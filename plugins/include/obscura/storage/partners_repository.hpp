#pragma once
// Partners (DESIGN.md section 7): a user shares their whole library, read-only, with another user. One row per
// (sharedBy, sharedWith) pair, one direction each: sharing back is a second row. The receiver decides whether
// the sharer's assets appear in their own timeline (inTimeline). Rows go with either user (foreign keys with
// ON DELETE CASCADE, so a user's deletion ends their partnerships in the same transaction).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "obscura/base/expected.hpp"
#include "obscura/storage/asset_records.hpp"

namespace obscura::storage {

struct PartnerRecord {
    std::string sharedById;    // users.id of the user whose library is shared
    std::string sharedWithId;  // users.id of the user who may see it
    bool inTimeline = false;   // the receiver's choice; off until they turn it on (Immich's default)
    std::string createdAt;     // RFC 3339
    std::int64_t createdAtUs = 0;
};

// A partner whose library the receiver put in their timeline, with that library's version
// (ImagesRepository::libraryVersion, 0 before its first asset): what a cached listing that includes it is keyed on.
struct PartnerLibrary {
    std::string ownerId;
    std::int64_t version = 0;
};

class PartnersRepository {
public:
    virtual ~PartnersRepository() = default;
    // Conflict when the pair exists already; Invalid when both ids are the same user.
    virtual Status createPartner(const PartnerRecord& partner) = 0;
    // nullopt when sharedById does not share with sharedWithId.
    virtual Expected<std::optional<PartnerRecord>> findPartner(const std::string& sharedById,
                                                               const std::string& sharedWithId) = 0;
    // The partnerships in which userId shares their library (sharedById = userId), oldest first.
    virtual Expected<std::vector<PartnerRecord>> listSharedBy(const std::string& userId) = 0;
    // The partnerships in which others share with userId (sharedWithId = userId), oldest first.
    virtual Expected<std::vector<PartnerRecord>> listSharedWith(const std::string& userId) = 0;
    // The receiver's timeline switch. False when there is no such partnership.
    virtual Expected<bool> setInTimeline(const std::string& sharedById, const std::string& sharedWithId,
                                         bool inTimeline) = 0;
    // Ends a partnership. False when there was none.
    virtual Expected<bool> deletePartner(const std::string& sharedById, const std::string& sharedWithId) = 0;
    // The asset when its owner shares their library with receiverId and it is live (neither trashed nor archived):
    // what a partner may see of it (the access service's partner grant). nullopt otherwise, also for the
    // receiver's own assets.
    virtual Expected<std::optional<AssetRecord>> findSharedAsset(const std::string& receiverId,
                                                                 const std::string& assetId) = 0;
    // The users who share with userId and whom userId put inTimeline, with their library versions, by ownerId.
    virtual Expected<std::vector<PartnerLibrary>> timelineLibraries(const std::string& userId) = 0;
};

}  // namespace obscura::storage

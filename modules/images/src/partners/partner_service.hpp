#pragma once
// Partners' rules and transactions (DESIGN.md section 7, Immich's partners). A user shares their whole library,
// read-only, with another user; the receiver decides whether it appears in their own timeline; either side ends
// it. What a partner may then see of the library (live, unarchived assets, never a change) is the access
// service's (access/partner_grant.cpp); which libraries a listing merges is timelinePartners'.
//
// Refusals, each with nothing changed: a userId that is not a UUID or names no user, or a disabled one → 404
// not_found; oneself → 422 invalid (partner_self); a partnership that exists → 409 conflict (partner_exists);
// switching or ending a partnership that does not exist → 404 not_found.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "obscura/base/clock.hpp"
#include "obscura/base/expected.hpp"
#include "obscura/storage/partners_repository.hpp"
#include "obscura/storage/records.hpp"

namespace obscura {
class Bus;
}
namespace obscura::storage {
class Storage;
}

namespace obscura::images {

// One partnership as the caller sees it: the other user and the receiver's timeline switch.
struct PartnerView {
    storage::UserRecord user;
    bool inTimeline = false;
};

// GET /api/partners?direction=: the users I share with, or the users who share with me.
enum class PartnerDirection : std::uint8_t { SharedBy, SharedWith };

class PartnerService {
public:
    PartnerService(storage::Storage& storage, Bus& bus, const Clock& clock)
        : storage_(storage), bus_(bus), clock_(clock) {}

    // callerId shares their library with userId; publishes partner.added once committed.
    Expected<PartnerView> share(const std::string& callerId, const std::string& userId);
    // Oldest first.
    Expected<std::vector<PartnerView>> list(const std::string& callerId, PartnerDirection direction);
    // Ok when userId shares with callerId, else NotFound.
    Status receives(const std::string& callerId, const std::string& userId);
    // The receiver (callerId) puts userId's library in their timeline, or takes it out.
    Expected<PartnerView> setInTimeline(const std::string& callerId, const std::string& userId, bool inTimeline);
    // Ends a partnership between the caller and userId. With a direction, exactly that one (SharedBy: the caller's
    // sharing with userId; SharedWith: userId's sharing with the caller); without, the caller's own sharing if
    // there is one (Immich's meaning), else userId's sharing with the caller (the receiver leaves).
    Status end(const std::string& callerId, const std::string& userId, std::optional<PartnerDirection> direction);

private:
    storage::Storage& storage_;
    Bus& bus_;
    const Clock& clock_;
};

}  // namespace obscura::images

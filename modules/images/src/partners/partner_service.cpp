#include "partners/partner_service.hpp"

#include "obscura/base/ids.hpp"
#include "obscura/base/rfc3339.hpp"
#include "obscura/images/events.hpp"
#include "obscura/kernel/bus.hpp"
#include "obscura/kernel/storage_calls.hpp"
#include "obscura/storage/storage.hpp"

namespace obscura::images {

namespace {

Error noSuchUser() { return notFound("no such user"); }
Error noSuchPartner() { return notFound("no such partnership"); }

// The other user of a partnership, as long as they exist and may sign in; a disabled user is not offered.
Expected<storage::UserRecord> activeUser(storage::Repositories& repos, const std::string& userId) {
    if (!isUuid(userId)) return noSuchUser();
    OBSCURA_TRY(user, repos.auth().findUserById(userId));
    if (!user || user->disabled) return noSuchUser();
    return std::move(*user);
}

}  // namespace

Expected<PartnerView> PartnerService::share(const std::string& callerId, const std::string& userId) {
    if (userId == callerId)
        return Error(ErrorCode::Invalid, "you cannot share your library with yourself", "partner_self");
    struct Shared {
        PartnerView view;
        storage::UserRecord sharer;
    };
    OBSCURA_TRY(shared, inTransaction(storage_, [&](storage::Repositories& repos) -> Expected<Shared> {
                    OBSCURA_TRY(receiver, activeUser(repos, userId));
                    OBSCURA_TRY(sharer, repos.auth().findUserById(callerId));
                    if (!sharer) return noSuchUser();
                    storage::PartnerRecord record;
                    record.sharedById = callerId;
                    record.sharedWithId = userId;
                    record.createdAtUs = clock_.nowUs();
                    record.createdAt = formatRfc3339(record.createdAtUs);
                    if (auto created = repos.partners().createPartner(record); !created) {
                        if (created.error().code == ErrorCode::Conflict)
                            return Error(ErrorCode::Conflict, "you already share your library with this user",
                                         "partner_exists");
                        return std::move(created).error();
                    }
                    return Shared{PartnerView{std::move(receiver), record.inTimeline}, std::move(*sharer)};
                }));
    bus_.publish(PartnerAdded{callerId, userId, shared.sharer.username, shared.sharer.displayName});
    return std::move(shared.view);
}

Expected<std::vector<PartnerView>> PartnerService::list(const std::string& callerId, PartnerDirection direction) {
    return withRepos(storage_, [&](storage::Repositories& repos) -> Expected<std::vector<PartnerView>> {
        const bool sharedBy = direction == PartnerDirection::SharedBy;
        OBSCURA_TRY(records,
                    sharedBy ? repos.partners().listSharedBy(callerId) : repos.partners().listSharedWith(callerId));
        std::vector<PartnerView> views;
        for (const auto& record : records) {
            OBSCURA_TRY(user, repos.auth().findUserById(sharedBy ? record.sharedWithId : record.sharedById));
            if (!user) continue;  // deleted meanwhile: its rows go with it
            views.push_back(PartnerView{std::move(*user), record.inTimeline});
        }
        return views;
    });
}

Status PartnerService::receives(const std::string& callerId, const std::string& userId) {
    if (!isUuid(userId)) return noSuchPartner();
    OBSCURA_TRY(found, withRepos(storage_, [&](storage::Repositories& repos) {
                    return repos.partners().findPartner(userId, callerId);
                }));
    if (!found) return noSuchPartner();
    return {};
}

Expected<PartnerView> PartnerService::setInTimeline(const std::string& callerId, const std::string& userId,
                                                    bool inTimeline) {
    if (!isUuid(userId)) return noSuchPartner();
    return inTransaction(storage_, [&](storage::Repositories& repos) -> Expected<PartnerView> {
        OBSCURA_TRY(found, repos.partners().setInTimeline(userId, callerId, inTimeline));
        if (!found) return noSuchPartner();
        OBSCURA_TRY(user, repos.auth().findUserById(userId));
        if (!user) return noSuchPartner();
        return PartnerView{std::move(*user), inTimeline};
    });
}

Status PartnerService::end(const std::string& callerId, const std::string& userId,
                           std::optional<PartnerDirection> direction) {
    if (!isUuid(userId)) return noSuchPartner();
    return inTransaction(storage_, [&](storage::Repositories& repos) -> Status {
        bool ended = false;
        if (!direction || *direction == PartnerDirection::SharedBy) {
            OBSCURA_TRY(mine, repos.partners().deletePartner(callerId, userId));
            ended = mine;
        }
        if (!ended && (!direction || *direction == PartnerDirection::SharedWith)) {
            OBSCURA_TRY(theirs, repos.partners().deletePartner(userId, callerId));
            ended = theirs;
        }
        if (!ended) return noSuchPartner();
        return Status{};
    });
}

}  // namespace obscura::images

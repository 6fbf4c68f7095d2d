#include "partners/partner_service.hpp"

#include <doctest/doctest.h>

#include <mutex>

#include "obscura/base/clock.hpp"
#include "obscura/images/events.hpp"
#include "obscura/kernel/bus.hpp"
#include "obscura/kernel/metrics.hpp"
#include "obscura/storage/storage.hpp"
#include "sqlite_test_storage.hpp"

using namespace obscura;
using namespace obscura::images;
using obscura::test::SqliteTestStorage;

namespace {

struct Partners {
    SqliteTestStorage db;
    FakeClock clock{1714521600LL * 1000000};
    Metrics metrics;
    Bus bus{metrics, 1};
    PartnerService partners{db.storage(), bus, clock};
    std::string alice = db.createUser("alice");
    std::string bob = db.createUser("bob");
    std::mutex mutex;
    std::vector<PartnerAdded> heard;
    Bus::Subscription listening = bus.subscribe<PartnerAdded>("test", [this](const PartnerAdded& e) {
        std::lock_guard lock(mutex);
        heard.push_back(e);
    });

    std::vector<PartnerAdded> events() {
        bus.stop();  // delivers what is queued
        std::lock_guard lock(mutex);
        return heard;
    }
};

std::vector<std::string> userIds(const std::vector<PartnerView>& views) {
    std::vector<std::string> ids;
    for (const auto& v : views) ids.push_back(v.user.id);
    return ids;
}

}  // namespace

TEST_SUITE("images.partner_service") {
    TEST_CASE("sharing stores one direction at the clock's time and tells the receiver once committed") {
        Partners t;
        auto shared = t.partners.share(t.alice, t.bob);
        REQUIRE_MESSAGE(shared.ok(), shared.error().message);
        CHECK(shared->user.id == t.bob);
        CHECK(shared->inTimeline == false);
        auto by = t.partners.list(t.alice, PartnerDirection::SharedBy);
        REQUIRE(by.ok());
        CHECK(userIds(*by) == std::vector<std::string>{t.bob});
        auto with = t.partners.list(t.bob, PartnerDirection::SharedWith);
        REQUIRE(with.ok());
        CHECK(userIds(*with) == std::vector<std::string>{t.alice});
        CHECK(t.partners.list(t.bob, PartnerDirection::SharedBy)->empty());
        auto stored = t.db.storage().run([&](storage::Repositories& repos) -> Status {
            OBSCURA_TRY(found, repos.partners().findPartner(t.alice, t.bob));
            if (!found || found->createdAt != "2024-05-01T00:00:00.000Z")
                return internalError("not at the clock's time");
            return {};
        });
        CHECK_MESSAGE(stored.ok(), (stored.ok() ? "" : stored.error().message));
        const auto events = t.events();
        REQUIRE(events.size() == 1);
        CHECK(events[0].sharedById == t.alice);
        CHECK(events[0].sharedWithId == t.bob);
        CHECK(events[0].sharedByUsername.find("alice") != std::string::npos);
    }

    TEST_CASE("refusals carry their codes and publish nothing") {
        Partners t;
        auto self = t.partners.share(t.alice, t.alice);
        REQUIRE_FALSE(self.ok());
        CHECK(self.error().code == ErrorCode::Invalid);
        CHECK(self.error().reason == "partner_self");
        auto unknown = t.partners.share(t.alice, "00000000-0000-4000-8000-000000000000");
        REQUIRE_FALSE(unknown.ok());
        CHECK(unknown.error().code == ErrorCode::NotFound);
        CHECK(t.partners.share(t.alice, "bob").error().code == ErrorCode::NotFound);
        REQUIRE(t.partners.share(t.alice, t.bob).ok());
        auto duplicate = t.partners.share(t.alice, t.bob);
        REQUIRE_FALSE(duplicate.ok());
        CHECK(duplicate.error().code == ErrorCode::Conflict);
        CHECK(duplicate.error().reason == "partner_exists");
        CHECK(t.events().size() == 1);  // the one that succeeded
    }

    TEST_CASE("only the receiver switches the timeline; ending works from either side and by direction") {
        Partners t;
        REQUIRE(t.partners.share(t.alice, t.bob).ok());
        CHECK(t.partners.setInTimeline(t.alice, t.bob, true).error().code == ErrorCode::NotFound);  // the sharer
        auto on = t.partners.setInTimeline(t.bob, t.alice, true);
        REQUIRE(on.ok());
        CHECK(on->user.id == t.alice);
        CHECK(on->inTimeline);
        CHECK(t.partners.receives(t.bob, t.alice).ok());
        CHECK_FALSE(t.partners.receives(t.alice, t.bob).ok());

        // The receiver cannot end "their own sharing" when there is none: the default falls back to leaving.
        CHECK(t.partners.end(t.bob, t.alice, PartnerDirection::SharedBy).error().code == ErrorCode::NotFound);
        CHECK(t.partners.end(t.bob, t.alice, std::nullopt).ok());
        CHECK(t.partners.list(t.bob, PartnerDirection::SharedWith)->empty());
        CHECK(t.partners.end(t.alice, t.bob, std::nullopt).error().code == ErrorCode::NotFound);

        // Both directions: the caller's own goes first without a direction.
        REQUIRE(t.partners.share(t.alice, t.bob).ok());
        REQUIRE(t.partners.share(t.bob, t.alice).ok());
        CHECK(t.partners.end(t.alice, t.bob, std::nullopt).ok());
        CHECK(t.partners.list(t.alice, PartnerDirection::SharedBy)->empty());
        CHECK(userIds(*t.partners.list(t.alice, PartnerDirection::SharedWith)) == std::vector<std::string>{t.bob});
        CHECK(t.partners.end(t.alice, t.bob, PartnerDirection::SharedWith).ok());
        CHECK(t.partners.list(t.alice, PartnerDirection::SharedWith)->empty());
    }
}

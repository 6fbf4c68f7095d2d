// The partners repository's contract: one row per direction, duplicates and self-partnerships refused, both
// directions listed, the receiver's timeline switch, ending from either side, the cascade when a user goes, and
// the listing of several owners' libraries merged in (takenAt, id) order with keyset pages across owners.
#include <doctest/doctest.h>

#include <algorithm>
#include <set>

#include "backend_context.hpp"
#include "conformance_support.hpp"
#include "images_support.hpp"

using namespace obscura;
using namespace obscura::conformance;
using storage::PartnersRepository;

namespace {

template <typename Fn>
auto withPartners(storage::Storage& storage, Fn&& fn) -> decltype(fn(std::declval<PartnersRepository&>())) {
    using Result = decltype(fn(std::declval<PartnersRepository&>()));
    std::optional<Result> result;
    Status status = storage.run([&](storage::Repositories& repos) -> Status {
        result.emplace(fn(repos.partners()));
        return {};
    });
    if (!status) return std::move(status).error();
    return std::move(*result);
}

storage::PartnerRecord partnership(const std::string& by, const std::string& with, std::int64_t createdAtUs) {
    storage::PartnerRecord p;
    p.sharedById = by;
    p.sharedWithId = with;
    p.createdAtUs = createdAtUs;
    p.createdAt = utcText(createdAtUs);
    return p;
}

void shareOk(storage::Storage& s, const storage::PartnerRecord& p) {
    auto created = withPartners(s, [&](PartnersRepository& r) { return r.createPartner(p); });
    REQUIRE_MESSAGE(created.ok(), (created.ok() ? "" : created.error().message));
}

std::vector<std::string> sharers(const std::vector<storage::PartnerRecord>& list) {
    std::vector<std::string> ids;
    for (const auto& p : list) ids.push_back(p.sharedById);
    return ids;
}

std::vector<std::string> receivers(const std::vector<storage::PartnerRecord>& list) {
    std::vector<std::string> ids;
    for (const auto& p : list) ids.push_back(p.sharedWithId);
    return ids;
}

// A fresh migrated database with three users.
struct Three {
    std::unique_ptr<BackendDatabase> database;
    std::unique_ptr<storage::Storage> storage;
    std::string alice, bob, carol;
};

Three threeUsers(Backend& backend) {
    Three t;
    t.database = backend.newDatabase();
    t.storage = openMigrated(*t.database);
    t.alice = createOwner(*t.storage, "alice");
    t.bob = createOwner(*t.storage, "bob");
    t.carol = createOwner(*t.storage, "carol");
    return t;
}

}  // namespace

TEST_SUITE("conformance.partners") {
    TEST_CASE("a partnership is one direction; a duplicate is Conflict, oneself is Invalid, nothing changes") {
        forEachBackend([](Backend& backend) {
            auto t = threeUsers(backend);
            auto& s = t.storage;
            const auto &alice = t.alice, &bob = t.bob;
            shareOk(*s, partnership(alice, bob, kJuly2021Us));

            auto again = withPartners(*s, [&](PartnersRepository& r) {
                auto p = partnership(alice, bob, kJuly2021Us + 5);
                p.inTimeline = true;
                return r.createPartner(p);
            });
            REQUIRE_FALSE(again.ok());
            CHECK(again.error().code == ErrorCode::Conflict);
            auto self = withPartners(
                *s, [&](PartnersRepository& r) { return r.createPartner(partnership(alice, alice, kJuly2021Us)); });
            REQUIRE_FALSE(self.ok());
            CHECK(self.error().code == ErrorCode::Invalid);

            auto found = withPartners(*s, [&](PartnersRepository& r) { return r.findPartner(alice, bob); });
            REQUIRE(found.ok());
            REQUIRE(found->has_value());
            CHECK((*found)->inTimeline == false);  // the duplicate did not overwrite it
            CHECK((*found)->createdAt == utcText(kJuly2021Us));
            CHECK((*found)->createdAtUs == kJuly2021Us);
            auto reverse = withPartners(*s, [&](PartnersRepository& r) { return r.findPartner(bob, alice); });
            REQUIRE(reverse.ok());
            CHECK_FALSE(reverse->has_value());
            auto self2 = withPartners(*s, [&](PartnersRepository& r) { return r.findPartner(alice, alice); });
            REQUIRE(self2.ok());
            CHECK_FALSE(self2->has_value());
        });
    }

    TEST_CASE("both directions are listed oldest first; the receiver's switch and ending work from either side") {
        forEachBackend([](Backend& backend) {
            auto t = threeUsers(backend);
            auto& s = t.storage;
            const auto &alice = t.alice, &bob = t.bob, &carol = t.carol;
            shareOk(*s, partnership(alice, carol, kJuly2021Us + 2));
            shareOk(*s, partnership(alice, bob, kJuly2021Us + 1));
            shareOk(*s, partnership(bob, carol, kJuly2021Us));

            auto byAlice = withPartners(*s, [&](PartnersRepository& r) { return r.listSharedBy(alice); });
            REQUIRE(byAlice.ok());
            CHECK(receivers(*byAlice) == std::vector<std::string>{bob, carol});
            auto withCarol = withPartners(*s, [&](PartnersRepository& r) { return r.listSharedWith(carol); });
            REQUIRE(withCarol.ok());
            CHECK(sharers(*withCarol) == std::vector<std::string>{bob, alice});
            auto withAlice = withPartners(*s, [&](PartnersRepository& r) { return r.listSharedWith(alice); });
            REQUIRE(withAlice.ok());
            CHECK(withAlice->empty());

            // The switch: on, on again (no change, still found), off; a missing pair answers false.
            for (bool on : {true, true, false, true}) {
                auto set = withPartners(*s, [&](PartnersRepository& r) { return r.setInTimeline(alice, carol, on); });
                REQUIRE(set.ok());
                CHECK(*set);
                auto now = withPartners(*s, [&](PartnersRepository& r) { return r.findPartner(alice, carol); });
                REQUIRE(now.ok());
                REQUIRE(now->has_value());
                CHECK((*now)->inTimeline == on);
            }
            auto missing = withPartners(*s, [&](PartnersRepository& r) { return r.setInTimeline(carol, alice, true); });
            REQUIRE(missing.ok());
            CHECK_FALSE(*missing);

            // Timeline libraries: only partners in the receiver's timeline, by owner id, with their versions.
            createAssetOk(*s, makeAsset(alice));
            auto libraries = withPartners(*s, [&](PartnersRepository& r) { return r.timelineLibraries(carol); });
            REQUIRE(libraries.ok());
            REQUIRE(libraries->size() == 1);
            CHECK(libraries->front().ownerId == alice);
            auto aliceVersion = withImages(*s, [&](storage::ImagesRepository& r) { return r.libraryVersion(alice); });
            REQUIRE(aliceVersion.ok());
            CHECK(libraries->front().version == *aliceVersion);
            CHECK(libraries->front().version > 0);
            auto bobSwitch = withPartners(*s, [&](PartnersRepository& r) { return r.setInTimeline(bob, carol, true); });
            REQUIRE(bobSwitch.ok());
            libraries = withPartners(*s, [&](PartnersRepository& r) { return r.timelineLibraries(carol); });
            REQUIRE(libraries.ok());
            REQUIRE(libraries->size() == 2);
            CHECK(libraries->at(0).ownerId == std::min(alice, bob));
            CHECK(libraries->at(1).ownerId == std::max(alice, bob));
            const auto& bobLibrary = libraries->at(0).ownerId == bob ? libraries->at(0) : libraries->at(1);
            CHECK(bobLibrary.version == 0);  // no asset yet

            // Ending: the pair goes, the other pairs stay; a second end answers false.
            auto ended = withPartners(*s, [&](PartnersRepository& r) { return r.deletePartner(alice, carol); });
            REQUIRE(ended.ok());
            CHECK(*ended);
            ended = withPartners(*s, [&](PartnersRepository& r) { return r.deletePartner(alice, carol); });
            REQUIRE(ended.ok());
            CHECK_FALSE(*ended);
            withCarol = withPartners(*s, [&](PartnersRepository& r) { return r.listSharedWith(carol); });
            REQUIRE(withCarol.ok());
            CHECK(sharers(*withCarol) == std::vector<std::string>{bob});
        });
    }

    TEST_CASE("a shared asset is found for its partners only while live and unarchived, and only while shared") {
        forEachBackend([](Backend& backend) {
            auto t = threeUsers(backend);
            auto& s = t.storage;
            const auto &alice = t.alice, &bob = t.bob, &carol = t.carol;
            const auto live = makeAsset(alice);
            auto archived = makeAsset(alice);
            archived.isArchived = true;
            auto trashed = makeAsset(alice);
            trashed.isTrashed = true;
            trashed.trashedAt = utcText(kJuly2021Us);
            trashed.trashedAtUs = kJuly2021Us;
            const auto bobs = makeAsset(bob);
            for (const auto& a : {live, archived, trashed, bobs}) createAssetOk(*s, a);
            const auto find = [&](const std::string& receiver, const std::string& id) {
                auto found = withPartners(*s, [&](PartnersRepository& r) { return r.findSharedAsset(receiver, id); });
                REQUIRE_MESSAGE(found.ok(), (found.ok() ? "" : found.error().message));
                return *found;
            };
            CHECK_FALSE(find(bob, live.id).has_value());  // not shared yet
            shareOk(*s, partnership(alice, bob, kJuly2021Us));
            auto seen = find(bob, live.id);
            REQUIRE(seen.has_value());
            CHECK(seen->ownerId == alice);
            CHECK(seen->checksum == live.checksum);
            CHECK_FALSE(find(bob, archived.id).has_value());
            CHECK_FALSE(find(bob, trashed.id).has_value());
            CHECK_FALSE(find(carol, live.id).has_value());  // a stranger
            CHECK_FALSE(find(alice, bobs.id).has_value());  // the other direction is not shared
            CHECK_FALSE(find(bob, bobs.id).has_value());    // one's own asset is not a partner's
            CHECK_FALSE(find(bob, "no-such-asset").has_value());
            auto ended = withPartners(*s, [&](PartnersRepository& r) { return r.deletePartner(alice, bob); });
            REQUIRE(ended.ok());
            CHECK_FALSE(find(bob, live.id).has_value());
        });
    }

    TEST_CASE("deleting a user ends their partnerships in both directions, in the deleting transaction") {
        forEachBackend([](Backend& backend) {
            auto t = threeUsers(backend);
            auto& s = t.storage;
            const auto &alice = t.alice, &bob = t.bob, &carol = t.carol;
            shareOk(*s, partnership(alice, bob, kJuly2021Us));
            shareOk(*s, partnership(bob, alice, kJuly2021Us));
            shareOk(*s, partnership(carol, alice, kJuly2021Us));
            shareOk(*s, partnership(carol, bob, kJuly2021Us));

            // Rolled back: nothing goes.
            auto rolledBack = s->transaction([&](storage::Repositories& repos) -> Status {
                OBSCURA_TRY(gone, repos.auth().deleteUser(bob, false));
                (void)gone;
                return internalError("roll back");
            });
            CHECK_FALSE(rolledBack.ok());
            auto still = withPartners(*s, [&](PartnersRepository& r) { return r.listSharedWith(bob); });
            REQUIRE(still.ok());
            CHECK(still->size() == 2);

            auto deleted = withAuth(*s, [&](storage::AuthRepository& a) { return a.deleteUser(bob, false); });
            REQUIRE(deleted.ok());
            auto byBob = withPartners(*s, [&](PartnersRepository& r) { return r.listSharedBy(bob); });
            REQUIRE(byBob.ok());
            CHECK(byBob->empty());
            auto withBob = withPartners(*s, [&](PartnersRepository& r) { return r.listSharedWith(bob); });
            REQUIRE(withBob.ok());
            CHECK(withBob->empty());
            auto byAlice = withPartners(*s, [&](PartnersRepository& r) { return r.listSharedBy(alice); });
            REQUIRE(byAlice.ok());
            CHECK(byAlice->empty());
            auto withAlice = withPartners(*s, [&](PartnersRepository& r) { return r.listSharedWith(alice); });
            REQUIRE(withAlice.ok());
            CHECK(sharers(*withAlice) == std::vector<std::string>{carol});
        });
    }

    TEST_CASE("a listing with partners merges their live, unarchived assets; keyset pages cross owners exactly") {
        forEachBackend([](Backend& backend) {
            auto database = backend.newDatabase();
            auto s = openMigrated(*database);
            const auto me = createOwner(*s, "me");
            const auto p1 = createOwner(*s, "p1");
            const auto p2 = createOwner(*s, "p2");
            const auto stranger = createOwner(*s, "stranger");
            std::set<std::string> expected;
            // Interleaved times, equal times across owners (ordered by id), and assets partners must not show.
            for (int i = 0; i < 9; ++i) {
                for (const auto& owner : {me, p1, p2}) {
                    auto a = makeAsset(owner, kJuly2021Us + (i / 2) * 1000000LL + (owner == p1 ? 7 : 0));
                    createAssetOk(*s, a);
                    expected.insert(a.id);
                }
            }
            auto archived = makeAsset(p1, kJuly2021Us);
            archived.isArchived = true;
            createAssetOk(*s, archived);
            auto trashed = makeAsset(p2, kJuly2021Us);
            trashed.isTrashed = true;
            trashed.trashedAt = utcText(kJuly2021Us);
            trashed.trashedAtUs = kJuly2021Us;
            createAssetOk(*s, trashed);
            createAssetOk(*s, makeAsset(stranger, kJuly2021Us));

            for (auto order : {storage::SortOrder::Desc, storage::SortOrder::Asc}) {
                for (int limit : {1, 4, 27, 100}) {
                    CAPTURE(limit);
                    auto q = queryFor(me, limit);
                    q.order = order;
                    q.filter.partnerIds = {p1, p2};
                    const auto ids = listAllIds(*s, q);
                    CHECK(ids.size() == expected.size());
                    CHECK(std::set<std::string>(ids.begin(), ids.end()) == expected);
                    // One page with everything is the reference order; every page size agrees with it.
                    auto all = q;
                    all.limit = 500;
                    CHECK(pageIds(*s, all) == ids);
                }
            }
            // Archived=true of the owner's own listing still never shows a partner's archived asset.
            auto q = queryFor(me, 500);
            q.filter.archived.reset();
            q.filter.partnerIds = {p1};
            const auto ids = pageIds(*s, q);
            CHECK(std::find(ids.begin(), ids.end(), archived.id) == ids.end());
            CHECK(ids.size() == 18);

            // The timeline sums the owners' months.
            storage::AssetFilter f;
            f.ownerId = me;
            f.partnerIds = {p1, p2};
            auto buckets = withImages(*s, [&](storage::ImagesRepository& r) { return r.timeline(f); });
            REQUIRE(buckets.ok());
            REQUIRE(buckets->size() == 1);
            CHECK(buckets->front().month == "2021-07");
            CHECK(buckets->front().count == 27);
        });
    }
}

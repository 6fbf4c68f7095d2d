// The auth repository's credentials: refresh-token rotation and family revocation, API keys found by hash
// and scoped to their owner, and the login-failure counters that throttling relies on across replicas.
#include <doctest/doctest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "backend_context.hpp"
#include "conformance_support.hpp"

using namespace obscura;
using namespace obscura::conformance;
using storage::AuthRepository;

namespace {

constexpr std::int64_t kFarFuture = 4'000'000'000'000'000;  // year 2096 in microseconds

storage::RefreshTokenRecord makeToken(const std::string& userId, const std::string& familyId) {
    return storage::RefreshTokenRecord{newUuid(),  userId,       familyId, "hash-" + newUuid(), "2024-05-01T12:00:00Z",
                                       kFarFuture, std::nullopt, false};
}

storage::RefreshTokenRecord findToken(storage::Storage& storage, const std::string& hash) {
    auto found = withAuth(storage, [&](AuthRepository& a) { return a.findRefreshToken(hash); });
    REQUIRE_MESSAGE(found.ok(), found.error().message);
    REQUIRE(found->has_value());
    return **found;
}

bool live(const storage::RefreshTokenRecord& t) { return !t.revoked && !t.usedAtUs; }

}  // namespace

TEST_SUITE("conformance.auth_sessions") {
    TEST_CASE("a refresh token is stored by hash, found in any state, and consumed exactly once") {
        forEachBackend([](Backend& backend) {
            auto database = backend.newDatabase();
            auto storage = openMigrated(*database);
            const auto user = makeUser("refresh");
            REQUIRE(createUser(*storage, user).ok());
            const auto token = makeToken(user.id, newUuid());
            REQUIRE(withAuth(*storage, [&](AuthRepository& a) { return a.createRefreshToken(token); }).ok());

            auto copy = makeToken(user.id, newUuid());
            copy.tokenHash = token.tokenHash;
            auto clash = withAuth(*storage, [&](AuthRepository& a) { return a.createRefreshToken(copy); });
            REQUIRE_FALSE(clash.ok());
            CHECK(clash.error().code == ErrorCode::Conflict);

            const auto stored = findToken(*storage, token.tokenHash);
            CHECK(stored.id == token.id);
            CHECK(stored.userId == user.id);
            CHECK(stored.familyId == token.familyId);
            CHECK(stored.expiresAtUs == kFarFuture);
            CHECK(live(stored));
            auto unknown = withAuth(*storage, [&](AuthRepository& a) { return a.findRefreshToken("hash-nothing"); });
            REQUIRE(unknown.ok());
            CHECK_FALSE(unknown->has_value());

            auto first = withAuth(*storage, [&](AuthRepository& a) { return a.consumeRefreshToken(token.id, 42); });
            REQUIRE(first.ok());
            CHECK(*first);
            auto second = withAuth(*storage, [&](AuthRepository& a) { return a.consumeRefreshToken(token.id, 43); });
            REQUIRE(second.ok());
            CHECK_FALSE(*second);
            const auto used = findToken(*storage, token.tokenHash);
            CHECK(used.usedAtUs == std::optional<std::int64_t>(42));
            CHECK_FALSE(used.revoked);
        });
    }

    TEST_CASE("of many threads consuming one refresh token at once, exactly one wins") {
        forEachBackend([](Backend& backend) {
            auto database = backend.newDatabase();
            auto storage = openMigrated(*database);
            const auto user = makeUser("race");
            REQUIRE(createUser(*storage, user).ok());
            const auto token = makeToken(user.id, newUuid());
            REQUIRE(withAuth(*storage, [&](AuthRepository& a) { return a.createRefreshToken(token); }).ok());
            std::atomic<int> wins{0}, errors{0};
            std::vector<std::thread> threads;
            for (int i = 0; i < 8; ++i) {
                threads.emplace_back([&, i] {
                    auto won =
                        withAuth(*storage, [&](AuthRepository& a) { return a.consumeRefreshToken(token.id, i); });
                    if (!won.ok()) {
                        ++errors;
                    } else if (*won) {
                        ++wins;
                    }
                });
            }
            for (auto& t : threads) t.join();
            CHECK(errors == 0);
            CHECK(wins == 1);
        });
    }

    TEST_CASE("revoking a family revokes every token of it, used or not, and nothing else") {
        forEachBackend([](Backend& backend) {
            auto database = backend.newDatabase();
            auto storage = openMigrated(*database);
            const auto user = makeUser("family");
            REQUIRE(createUser(*storage, user).ok());
            const std::string family = newUuid();
            const auto used = makeToken(user.id, family);
            const auto current = makeToken(user.id, family);
            const auto otherFamily = makeToken(user.id, newUuid());
            for (const auto& t : {used, current, otherFamily})
                REQUIRE(withAuth(*storage, [&](AuthRepository& a) { return a.createRefreshToken(t); }).ok());
            REQUIRE(*withAuth(*storage, [&](AuthRepository& a) { return a.consumeRefreshToken(used.id, 1); }));

            auto revoked = withAuth(*storage, [&](AuthRepository& a) { return a.revokeRefreshFamily(family); });
            REQUIRE_MESSAGE(revoked.ok(), revoked.error().message);
            CHECK(*revoked == 1);  // only `current` was live
            CHECK(findToken(*storage, used.tokenHash).revoked);
            CHECK(findToken(*storage, current.tokenHash).revoked);
            CHECK(live(findToken(*storage, otherFamily.tokenHash)));
            auto consumed = withAuth(*storage, [&](AuthRepository& a) { return a.consumeRefreshToken(current.id, 2); });
            REQUIRE(consumed.ok());
            CHECK_FALSE(*consumed);  // a revoked token cannot be rotated
            auto again = withAuth(*storage, [&](AuthRepository& a) { return a.revokeRefreshFamily(family); });
            REQUIRE(again.ok());
            CHECK(*again == 0);
        });
    }

    TEST_CASE("revoking a user's refresh tokens leaves other users' alone; expired tokens are purged") {
        forEachBackend([](Backend& backend) {
            auto database = backend.newDatabase();
            auto storage = openMigrated(*database);
            const auto alice = makeUser("alice");
            const auto bob = makeUser("bob");
            REQUIRE(createUser(*storage, alice).ok());
            REQUIRE(createUser(*storage, bob).ok());
            const auto a1 = makeToken(alice.id, newUuid());
            const auto a2 = makeToken(alice.id, newUuid());
            const auto b1 = makeToken(bob.id, newUuid());
            auto expired = makeToken(bob.id, newUuid());
            expired.expiresAtUs = 1'000'000;  // 1970
            for (const auto& t : {a1, a2, b1, expired})
                REQUIRE(withAuth(*storage, [&](AuthRepository& a) { return a.createRefreshToken(t); }).ok());

            auto revoked = withAuth(*storage, [&](AuthRepository& a) { return a.revokeUserRefreshTokens(alice.id); });
            REQUIRE(revoked.ok());
            CHECK(*revoked == 2);
            CHECK(findToken(*storage, a1.tokenHash).revoked);
            CHECK(findToken(*storage, a2.tokenHash).revoked);
            CHECK(live(findToken(*storage, b1.tokenHash)));

            auto purged = withAuth(*storage, [&](AuthRepository& a) { return a.purgeRefreshTokens(2'000'000); });
            REQUIRE(purged.ok());
            CHECK(*purged >= 1);
            auto gone = withAuth(*storage, [&](AuthRepository& a) { return a.findRefreshToken(expired.tokenHash); });
            REQUIRE(gone.ok());
            CHECK_FALSE(gone->has_value());
            CHECK(live(findToken(*storage, b1.tokenHash)));
        });
    }

    TEST_CASE("an API key is found by its hash together with its owner, and only its owner lists or deletes it") {
        forEachBackend([](Backend& backend) {
            auto database = backend.newDatabase();
            auto storage = openMigrated(*database);
            auto owner = makeUser("keys");
            owner.tokenVersion = 3;
            const auto stranger = makeUser("stranger");
            REQUIRE(createUser(*storage, owner).ok());
            REQUIRE(createUser(*storage, stranger).ok());
            const storage::ApiKeyRecord first{newUuid(), owner.id, "laptop", "key-" + newUuid(),
                                              "2024-05-01T12:00:00Z"};
            const storage::ApiKeyRecord second{newUuid(), owner.id, "phone", "key-" + newUuid(),
                                               "2024-05-02T12:00:00Z"};
            for (const auto& k : {first, second})
                REQUIRE(withAuth(*storage, [&](AuthRepository& a) { return a.createApiKey(k); }).ok());
            auto sameHash =
                storage::ApiKeyRecord{newUuid(), stranger.id, "copy", first.keyHash, "2024-05-03T12:00:00Z"};
            auto clash = withAuth(*storage, [&](AuthRepository& a) { return a.createApiKey(sameHash); });
            REQUIRE_FALSE(clash.ok());
            CHECK(clash.error().code == ErrorCode::Conflict);

            auto found = withAuth(*storage, [&](AuthRepository& a) { return a.findApiKeyByHash(first.keyHash); });
            REQUIRE_MESSAGE(found.ok(), found.error().message);
            REQUIRE(found->has_value());
            CHECK((*found)->key.id == first.id);
            CHECK((*found)->key.name == "laptop");
            CHECK((*found)->key.userId == owner.id);
            CHECK(describeDifference(owner, (*found)->owner) == "");
            auto unknown = withAuth(*storage, [&](AuthRepository& a) { return a.findApiKeyByHash("key-unknown"); });
            REQUIRE(unknown.ok());
            CHECK_FALSE(unknown->has_value());

            auto listed = withAuth(*storage, [&](AuthRepository& a) { return a.listApiKeys(owner.id); });
            REQUIRE(listed.ok());
            REQUIRE(listed->size() == 2);
            CHECK((*listed)[0].id == first.id);  // oldest first
            CHECK((*listed)[1].id == second.id);
            auto none = withAuth(*storage, [&](AuthRepository& a) { return a.listApiKeys(stranger.id); });
            REQUIRE(none.ok());
            CHECK(none->empty());

            auto foreign = withAuth(*storage, [&](AuthRepository& a) { return a.findApiKey(stranger.id, first.id); });
            REQUIRE(foreign.ok());
            CHECK_FALSE(foreign->has_value());
            auto own = withAuth(*storage, [&](AuthRepository& a) { return a.findApiKey(owner.id, first.id); });
            REQUIRE(own.ok());
            CHECK(own->has_value());
            auto notTheirs =
                withAuth(*storage, [&](AuthRepository& a) { return a.deleteApiKey(stranger.id, first.id); });
            REQUIRE(notTheirs.ok());
            CHECK_FALSE(*notTheirs);
            auto deleted = withAuth(*storage, [&](AuthRepository& a) { return a.deleteApiKey(owner.id, first.id); });
            REQUIRE(deleted.ok());
            CHECK(*deleted);
            auto afterDelete = withAuth(*storage, [&](AuthRepository& a) { return a.findApiKeyByHash(first.keyHash); });
            REQUIRE(afterDelete.ok());
            CHECK_FALSE(afterDelete->has_value());
        });
    }

    TEST_CASE("login failures count per key within a window, restart after it, and can be cleared and purged") {
        forEachBackend([](Backend& backend) {
            auto database = backend.newDatabase();
            auto storage = openMigrated(*database);
            const std::string key = "user:" + newUuid();
            const std::string other = "ip:" + newUuid();
            constexpr std::int64_t kWindow = 60'000'000;
            const std::int64_t t0 = 1'700'000'000'000'000;
            for (int i = 1; i <= 3; ++i) {
                auto counted =
                    withAuth(*storage, [&](AuthRepository& a) { return a.addLoginFailure(key, t0 + i, kWindow); });
                REQUIRE_MESSAGE(counted.ok(), counted.error().message);
                CHECK(counted->key == key);
                CHECK(counted->failures == i);
                CHECK(counted->windowStartUs == t0 + 1);  // the window starts at the first failure
            }
            auto otherCount =
                withAuth(*storage, [&](AuthRepository& a) { return a.addLoginFailure(other, t0, kWindow); });
            REQUIRE(otherCount.ok());
            CHECK(otherCount->failures == 1);

            auto found = withAuth(*storage, [&](AuthRepository& a) { return a.findLoginFailures(key); });
            REQUIRE(found.ok());
            REQUIRE(found->has_value());
            CHECK((*found)->failures == 3);

            // One microsecond short of the window's end the count still grows; at its end it restarts.
            auto inside =
                withAuth(*storage, [&](AuthRepository& a) { return a.addLoginFailure(key, t0 + kWindow, kWindow); });
            REQUIRE(inside.ok());
            CHECK(inside->failures == 4);
            auto restarted = withAuth(
                *storage, [&](AuthRepository& a) { return a.addLoginFailure(key, t0 + 1 + kWindow, kWindow); });
            REQUIRE(restarted.ok());
            CHECK(restarted->failures == 1);
            CHECK(restarted->windowStartUs == t0 + 1 + kWindow);

            REQUIRE(withAuth(*storage, [&](AuthRepository& a) { return a.clearLoginFailures(key); }).ok());
            auto cleared = withAuth(*storage, [&](AuthRepository& a) { return a.findLoginFailures(key); });
            REQUIRE(cleared.ok());
            CHECK_FALSE(cleared->has_value());

            auto purged = withAuth(*storage, [&](AuthRepository& a) { return a.purgeLoginFailures(t0 + 1); });
            REQUIRE(purged.ok());
            CHECK(*purged >= 1);
            auto otherGone = withAuth(*storage, [&](AuthRepository& a) { return a.findLoginFailures(other); });
            REQUIRE(otherGone.ok());
            CHECK_FALSE(otherGone->has_value());
        });
    }

    TEST_CASE("concurrent failures under one key are all counted") {
        forEachBackend([](Backend& backend) {
            auto database = backend.newDatabase();
            auto storage = openMigrated(*database);
            const std::string key = "ip:" + newUuid();
            constexpr int kThreads = 8;
            std::atomic<int> errors{0};
            std::vector<std::thread> threads;
            for (int i = 0; i < kThreads; ++i) {
                threads.emplace_back([&] {
                    auto r = withAuth(*storage, [&](AuthRepository& a) {
                        return a.addLoginFailure(key, 1'700'000'000'000'000, 60'000'000);
                    });
                    if (!r.ok()) ++errors;
                });
            }
            for (auto& t : threads) t.join();
            CHECK(errors == 0);
            auto found = withAuth(*storage, [&](AuthRepository& a) { return a.findLoginFailures(key); });
            REQUIRE(found.ok());
            REQUIRE(found->has_value());
            CHECK((*found)->failures == kThreads);
        });
    }
}

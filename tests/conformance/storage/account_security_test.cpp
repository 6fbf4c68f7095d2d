// Two-factor sign-in and password-reset tokens (migration modules "mfa" and "password_reset"): a pending secret
// never overwrites an enabled one, every "once only" rule (a TOTP step, a recovery code, a sign-in challenge, a
// reset token) lets exactly one of two racing uses win, and everything goes with its user.
#include <doctest/doctest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "backend_context.hpp"
#include "conformance_support.hpp"

using namespace obscura;
using namespace obscura::conformance;

namespace {

template <typename Fn>
auto withRepos(storage::Storage& storage, Fn&& fn) -> decltype(fn(std::declval<storage::Repositories&>())) {
    using Result = decltype(fn(std::declval<storage::Repositories&>()));
    std::optional<Result> result;
    Status status = storage.run([&](storage::Repositories& repos) -> Status {
        result.emplace(fn(repos));
        return {};
    });
    if (!status) return std::move(status).error();
    return std::move(*result);
}

storage::UserRecord storedUser(storage::Storage& storage, const std::string& prefix, const std::string& email = "") {
    auto user = makeUser(prefix);
    user.email = email;
    REQUIRE(createUser(storage, user).ok());
    return user;
}

bool pendingOk(storage::Storage& s, const std::string& userId, const std::string& secret) {
    auto set = withRepos(s, [&](auto& r) { return r.mfa().setPendingMfa({userId, secret, true, 99, 1000}); });
    REQUIRE_MESSAGE(set.ok(), set.error().message);
    return *set;
}

// Runs fn on 8 threads at once; answers how many got true (an error fails the case).
template <typename Fn>
int racingWins(Fn fn) {
    std::atomic<int> wins{0}, errors{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 8; ++i) {
        threads.emplace_back([&] {
            auto won = fn();
            if (!won.ok()) {
                ++errors;
            } else if (*won) {
                ++wins;
            }
        });
    }
    for (auto& t : threads) t.join();
    CHECK(errors.load() == 0);
    return wins.load();
}

}  // namespace

TEST_SUITE("conformance.mfa") {
    TEST_CASE("a pending secret is stored disabled, replaced by a second setup, and never replaces an enabled one") {
        forEachBackend([](Backend& backend) {
            auto database = backend.newDatabase();
            auto storage = openMigrated(*database);
            const auto user = storedUser(*storage, "mfa_setup");
            CHECK_FALSE(withRepos(*storage, [&](auto& r) { return r.mfa().findMfa(user.id); }).value().has_value());

            CHECK(pendingOk(*storage, user.id, "first"));
            CHECK(pendingOk(*storage, user.id, "second"));
            auto found = withRepos(*storage, [&](auto& r) { return r.mfa().findMfa(user.id); });
            REQUIRE(found.ok());
            REQUIRE(found->has_value());
            CHECK((*found)->secret == "second");
            CHECK_FALSE((*found)->enabled);  // whatever the record said: a setup is pending
            CHECK((*found)->lastStep == 0);
            CHECK((*found)->createdAtUs == 1000);

            auto enabled = withRepos(*storage, [&](auto& r) {
                return r.mfa().enableMfa(user.id, 500, {"h1", "h2", "h3"});
            });
            REQUIRE(enabled.ok());
            CHECK(*enabled);
            CHECK_FALSE(withRepos(*storage, [&](auto& r) { return r.mfa().enableMfa(user.id, 501, {"h4"}); }).value());
            CHECK_FALSE(pendingOk(*storage, user.id, "third"));
            found = withRepos(*storage, [&](auto& r) { return r.mfa().findMfa(user.id); });
            CHECK((*found)->secret == "second");
            CHECK((*found)->enabled);
            CHECK((*found)->lastStep == 500);
            CHECK(withRepos(*storage, [&](auto& r) { return r.mfa().countRecoveryCodes(user.id); }).valueOr(-1) == 3);
        });
    }

    TEST_CASE("a time step is accepted only when newer than the last, and of racing uses exactly one wins") {
        forEachBackend([](Backend& backend) {
            auto database = backend.newDatabase();
            auto storage = openMigrated(*database);
            const auto user = storedUser(*storage, "mfa_step");
            REQUIRE(pendingOk(*storage, user.id, "s"));
            // Not enabled yet: no step is recorded.
            CHECK_FALSE(withRepos(*storage, [&](auto& r) { return r.mfa().advanceMfaStep(user.id, 10); }).value());
            REQUIRE(withRepos(*storage, [&](auto& r) { return r.mfa().enableMfa(user.id, 10, {}); }).value());
            CHECK_FALSE(withRepos(*storage, [&](auto& r) { return r.mfa().advanceMfaStep(user.id, 10); }).value());
            CHECK_FALSE(withRepos(*storage, [&](auto& r) { return r.mfa().advanceMfaStep(user.id, 9); }).value());
            CHECK(racingWins([&] {
                      return withRepos(*storage, [&](auto& r) { return r.mfa().advanceMfaStep(user.id, 11); });
                  }) == 1);
            CHECK(withRepos(*storage, [&](auto& r) { return r.mfa().findMfa(user.id); }).value()->lastStep == 11);
        });
    }

    TEST_CASE("a recovery code is spent once, only by its owner, and enabling again replaces the codes") {
        forEachBackend([](Backend& backend) {
            auto database = backend.newDatabase();
            auto storage = openMigrated(*database);
            const auto user = storedUser(*storage, "mfa_codes");
            const auto other = storedUser(*storage, "mfa_other");
            REQUIRE(pendingOk(*storage, user.id, "s"));
            REQUIRE(withRepos(*storage, [&](auto& r) { return r.mfa().enableMfa(user.id, 1, {"a", "b"}); }).value());
            CHECK_FALSE(
                withRepos(*storage, [&](auto& r) { return r.mfa().useRecoveryCode(other.id, "a", 5); }).value());
            CHECK(racingWins([&] {
                      return withRepos(*storage, [&](auto& r) { return r.mfa().useRecoveryCode(user.id, "a", 5); });
                  }) == 1);
            CHECK_FALSE(
                withRepos(*storage, [&](auto& r) { return r.mfa().useRecoveryCode(user.id, "zz", 5); }).value());
            CHECK(withRepos(*storage, [&](auto& r) { return r.mfa().countRecoveryCodes(user.id); }).valueOr(-1) == 1);

            CHECK(withRepos(*storage, [&](auto& r) { return r.mfa().deleteMfa(user.id); }).value());
            CHECK_FALSE(withRepos(*storage, [&](auto& r) { return r.mfa().deleteMfa(user.id); }).value());
            CHECK(withRepos(*storage, [&](auto& r) { return r.mfa().countRecoveryCodes(user.id); }).valueOr(-1) == 0);
            CHECK_FALSE(withRepos(*storage, [&](auto& r) { return r.mfa().findMfa(user.id); }).value().has_value());
            REQUIRE(pendingOk(*storage, user.id, "s2"));
            REQUIRE(withRepos(*storage, [&](auto& r) { return r.mfa().enableMfa(user.id, 1, {"c"}); }).value());
            CHECK_FALSE(withRepos(*storage, [&](auto& r) { return r.mfa().useRecoveryCode(user.id, "b", 5); }).value());
            CHECK(withRepos(*storage, [&](auto& r) { return r.mfa().useRecoveryCode(user.id, "c", 5); }).value());
        });
    }

    TEST_CASE("a sign-in challenge is consumed once and only while it lives; purge drops expired ones") {
        forEachBackend([](Backend& backend) {
            auto database = backend.newDatabase();
            auto storage = openMigrated(*database);
            const auto user = storedUser(*storage, "mfa_challenge");
            const std::string live = "live" + newUuid(), old = "old" + newUuid();
            auto create = [&](const std::string& hash, std::int64_t expires) {
                return withRepos(*storage, [&](auto& r) {
                    return r.mfa().createMfaChallenge({hash, user.id, expires, std::nullopt});
                });
            };
            REQUIRE(create(live, 10'000).ok());
            REQUIRE(create(old, 100).ok());
            CHECK(create(live, 10'000).error().code == ErrorCode::Conflict);
            auto found = withRepos(*storage, [&](auto& r) { return r.mfa().findMfaChallenge(live); });
            REQUIRE(found.ok());
            REQUIRE(found->has_value());
            CHECK((*found)->userId == user.id);
            CHECK((*found)->expiresAtUs == 10'000);
            CHECK_FALSE((*found)->usedAtUs.has_value());

            CHECK_FALSE(withRepos(*storage, [&](auto& r) { return r.mfa().consumeMfaChallenge(old, 200); }).value());
            CHECK(racingWins([&] {
                      return withRepos(*storage, [&](auto& r) { return r.mfa().consumeMfaChallenge(live, 200); });
                  }) == 1);
            CHECK(withRepos(*storage, [&](auto& r) { return r.mfa().findMfaChallenge(live); }).value()->usedAtUs ==
                  200);

            CHECK(withRepos(*storage, [&](auto& r) { return r.mfa().purgeMfaChallenges(5000); }).valueOr(-1) >= 1);
            CHECK_FALSE(
                withRepos(*storage, [&](auto& r) { return r.mfa().findMfaChallenge(old); }).value().has_value());
            CHECK(withRepos(*storage, [&](auto& r) { return r.mfa().findMfaChallenge(live); }).value().has_value());
        });
    }

    TEST_CASE("a user's secret, codes and challenges go with the user") {
        forEachBackend([](Backend& backend) {
            auto database = backend.newDatabase();
            auto storage = openMigrated(*database);
            const auto user = storedUser(*storage, "mfa_gone");
            REQUIRE(pendingOk(*storage, user.id, "s"));
            REQUIRE(withRepos(*storage, [&](auto& r) { return r.mfa().enableMfa(user.id, 1, {"a"}); }).value());
            const std::string challenge = "gone" + newUuid();
            REQUIRE(withRepos(*storage, [&](auto& r) {
                        return r.mfa().createMfaChallenge({challenge, user.id, 10'000, std::nullopt});
                    }).ok());
            REQUIRE(withAuth(*storage, [&](auto& a) { return a.deleteUser(user.id, false); }).ok());
            CHECK_FALSE(withRepos(*storage, [&](auto& r) { return r.mfa().findMfa(user.id); }).value().has_value());
            CHECK(withRepos(*storage, [&](auto& r) { return r.mfa().countRecoveryCodes(user.id); }).valueOr(-1) == 0);
            CHECK_FALSE(
                withRepos(*storage, [&](auto& r) { return r.mfa().findMfaChallenge(challenge); }).value().has_value());
        });
    }
}

TEST_SUITE("conformance.password_reset") {
    TEST_CASE("accounts are found by e-mail address whatever its case, and an empty address finds none") {
        forEachBackend([](Backend& backend) {
            auto database = backend.newDatabase();
            auto storage = openMigrated(*database);
            const std::string address = "Reset." + newUuid().substr(0, 8) + "@Example.org";
            const auto a = storedUser(*storage, "reset_a", address);
            const auto b = storedUser(*storage, "reset_b", address);
            (void)storedUser(*storage, "reset_c", "someone-else@example.org");
            std::string lower = address;
            for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            auto found = withRepos(*storage, [&](auto& r) { return r.passwordResets().findUsersByEmail(lower, 10); });
            REQUIRE(found.ok());
            REQUIRE(found->size() == 2);
            CHECK(((*found)[0].id == a.id || (*found)[0].id == b.id));
            CHECK((*found)[0].id != (*found)[1].id);
            CHECK(withRepos(*storage, [&](auto& r) { return r.passwordResets().findUsersByEmail(lower, 1); })->size() ==
                  1);
            CHECK(withRepos(*storage, [&](auto& r) { return r.passwordResets().findUsersByEmail("", 10); })->empty());
        });
    }

    TEST_CASE("a reset token is spent once and only while it lives; a user's unused tokens can be dropped") {
        forEachBackend([](Backend& backend) {
            auto database = backend.newDatabase();
            auto storage = openMigrated(*database);
            const auto user = storedUser(*storage, "reset_token");
            const std::string live = "live" + newUuid(), old = "old" + newUuid(), spare = "spare" + newUuid();
            auto create = [&](const std::string& hash, std::int64_t expires) {
                return withRepos(*storage, [&](auto& r) {
                    return r.passwordResets().createPasswordReset({hash, user.id, 50, expires, std::nullopt});
                });
            };
            REQUIRE(create(live, 10'000).ok());
            REQUIRE(create(old, 100).ok());
            REQUIRE(create(spare, 10'000).ok());
            CHECK(create(live, 1).error().code == ErrorCode::Conflict);
            auto found = withRepos(*storage, [&](auto& r) { return r.passwordResets().findPasswordReset(live); });
            REQUIRE(found.ok());
            REQUIRE(found->has_value());
            CHECK((*found)->userId == user.id);
            CHECK((*found)->createdAtUs == 50);
            CHECK((*found)->expiresAtUs == 10'000);

            CHECK_FALSE(withRepos(*storage, [&](auto& r) {
                            return r.passwordResets().consumePasswordReset(old, 200);
                        }).value());
            CHECK(racingWins([&] {
                      return withRepos(*storage,
                                       [&](auto& r) { return r.passwordResets().consumePasswordReset(live, 200); });
                  }) == 1);
            CHECK(withRepos(*storage, [&](auto& r) { return r.passwordResets().findPasswordReset(live); })
                      .value()
                      ->usedAtUs == 200);
            // Unused ones only: the spent token stays as the record of its use until it expires.
            CHECK(withRepos(*storage, [&](auto& r) {
                      return r.passwordResets().deleteUserPasswordResets(user.id);
                  }).valueOr(-1) == 2);
            CHECK_FALSE(
                withRepos(*storage, [&](auto& r) { return r.passwordResets().findPasswordReset(spare); })->has_value());
            CHECK(withRepos(*storage, [&](auto& r) {
                      return r.passwordResets().purgePasswordResets(20'000);
                  }).valueOr(-1) >= 1);
            CHECK_FALSE(
                withRepos(*storage, [&](auto& r) { return r.passwordResets().findPasswordReset(live); })->has_value());
        });
    }
}

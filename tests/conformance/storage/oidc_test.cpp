// OIDC sign-in's repository: a pending sign-in is taken once and only while it lives (a replayed state finds
// nothing, two racing callbacks cannot both win), a provider account links to one user and goes with it, and
// e-mail lookups ignore case and stop at two.
#include <doctest/doctest.h>

#include <atomic>
#include <cctype>
#include <thread>
#include <vector>

#include "backend_context.hpp"
#include "conformance_support.hpp"

using namespace obscura;
using namespace obscura::conformance;
using storage::OidcRepository;

namespace {

template <typename Fn>
auto withOidc(storage::Storage& storage, Fn&& fn) -> decltype(fn(std::declval<OidcRepository&>())) {
    using Result = decltype(fn(std::declval<OidcRepository&>()));
    std::optional<Result> result;
    Status status = storage.run([&](storage::Repositories& repos) -> Status {
        result.emplace(fn(repos.oidc()));
        return {};
    });
    if (!status) return std::move(status).error();
    return std::move(*result);
}

storage::OidcLoginRecord pending(std::int64_t expiresAtUs) {
    return storage::OidcLoginRecord{"state-" + newUuid(), "nonce-" + newUuid(), "verifier-" + newUuid(), expiresAtUs};
}

}  // namespace

TEST_SUITE("conformance.oidc") {
    TEST_CASE("a pending sign-in is taken once, never after it expired, and a taken state is gone") {
        forEachBackend([](Backend& backend) {
            auto database = backend.newDatabase();
            auto storage = openMigrated(*database);
            const auto login = pending(2'000);
            REQUIRE(withOidc(*storage, [&](OidcRepository& r) { return r.createLogin(login); }).ok());
            auto clash = withOidc(*storage, [&](OidcRepository& r) { return r.createLogin(login); });
            REQUIRE_FALSE(clash.ok());
            CHECK(clash.error().code == ErrorCode::Conflict);

            auto taken = withOidc(*storage, [&](OidcRepository& r) { return r.takeLogin(login.stateHash, 1'000); });
            REQUIRE_MESSAGE(taken.ok(), taken.error().message);
            REQUIRE(taken->has_value());
            CHECK((*taken)->nonce == login.nonce);
            CHECK((*taken)->codeVerifier == login.codeVerifier);
            CHECK((*taken)->expiresAtUs == 2'000);
            auto again = withOidc(*storage, [&](OidcRepository& r) { return r.takeLogin(login.stateHash, 1'000); });
            REQUIRE(again.ok());
            CHECK_FALSE(again->has_value());

            const auto old = pending(2'000);
            REQUIRE(withOidc(*storage, [&](OidcRepository& r) { return r.createLogin(old); }).ok());
            auto late = withOidc(*storage, [&](OidcRepository& r) { return r.takeLogin(old.stateHash, 2'000); });
            REQUIRE(late.ok());
            CHECK_FALSE(late->has_value());
            auto gone = withOidc(*storage, [&](OidcRepository& r) { return r.takeLogin(old.stateHash, 0); });
            REQUIRE(gone.ok());
            CHECK_FALSE(gone->has_value());  // an expired one is removed by the take that refused it
        });
    }

    TEST_CASE("of callbacks racing with one state exactly one takes the sign-in") {
        forEachBackend([](Backend& backend) {
            auto database = backend.newDatabase();
            auto storage = openMigrated(*database);
            const auto login = pending(4'000'000'000'000'000);
            REQUIRE(withOidc(*storage, [&](OidcRepository& r) { return r.createLogin(login); }).ok());
            std::atomic<int> winners{0}, failures{0};
            std::vector<std::thread> threads;
            for (int i = 0; i < 4; ++i) {
                threads.emplace_back([&] {
                    auto t = withOidc(*storage, [&](OidcRepository& r) { return r.takeLogin(login.stateHash, 0); });
                    if (!t.ok()) {
                        ++failures;
                    } else if (t->has_value()) {
                        ++winners;
                    }
                });
            }
            for (auto& t : threads) t.join();
            CHECK(failures == 0);
            CHECK(winners == 1);
        });
    }

    TEST_CASE("expired pending sign-ins are purged, live ones stay") {
        forEachBackend([](Backend& backend) {
            auto database = backend.newDatabase();
            auto storage = openMigrated(*database);
            const auto old = pending(1'000);
            const auto fresh = pending(9'000'000'000'000'000);
            REQUIRE(withOidc(*storage, [&](OidcRepository& r) { return r.createLogin(old); }).ok());
            REQUIRE(withOidc(*storage, [&](OidcRepository& r) { return r.createLogin(fresh); }).ok());
            auto purged = withOidc(*storage, [&](OidcRepository& r) { return r.purgeLogins(5'000); });
            REQUIRE(purged.ok());
            CHECK(*purged >= 1);
            auto kept = withOidc(*storage, [&](OidcRepository& r) { return r.takeLogin(fresh.stateHash, 5'000); });
            REQUIRE(kept.ok());
            CHECK(kept->has_value());
        });
    }

    TEST_CASE("a provider account links to one user, is found by issuer and subject, and goes with its user") {
        forEachBackend([](Backend& backend) {
            auto database = backend.newDatabase();
            auto storage = openMigrated(*database);
            const auto user = makeUser("oidc");
            REQUIRE(createUser(*storage, user).ok());
            const std::string issuer = "https://id.example.org/" + newUuid();
            const storage::OidcIdentityRecord link{issuer, "sub-1", user.id, "2024-05-01T12:00:00Z"};
            REQUIRE(withOidc(*storage, [&](OidcRepository& r) { return r.linkIdentity(link); }).ok());
            auto twice = withOidc(*storage, [&](OidcRepository& r) { return r.linkIdentity(link); });
            REQUIRE_FALSE(twice.ok());
            CHECK(twice.error().code == ErrorCode::Conflict);

            auto found = withOidc(*storage, [&](OidcRepository& r) { return r.findIdentity(issuer, "sub-1"); });
            REQUIRE(found.ok());
            CHECK(*found == std::optional<std::string>(user.id));
            // The same subject at another issuer is another account.
            auto other = withOidc(*storage, [&](OidcRepository& r) { return r.findIdentity(issuer + "x", "sub-1"); });
            REQUIRE(other.ok());
            CHECK_FALSE(other->has_value());

            auto removed = withAuth(*storage, [&](storage::AuthRepository& a) { return a.deleteUser(user.id, false); });
            REQUIRE(removed.ok());
            auto after = withOidc(*storage, [&](OidcRepository& r) { return r.findIdentity(issuer, "sub-1"); });
            REQUIRE(after.ok());
            CHECK_FALSE(after->has_value());
        });
    }

    TEST_CASE("users are found by e-mail whatever its case, at most two") {
        forEachBackend([](Backend& backend) {
            auto database = backend.newDatabase();
            auto storage = openMigrated(*database);
            const std::string email = "Shared." + newUuid().substr(0, 8) + "@Example.org";
            auto first = makeUser("mail1");
            first.email = email;
            REQUIRE(createUser(*storage, first).ok());
            auto one = withOidc(*storage, [&](OidcRepository& r) { return r.findUsersByEmail(email); });
            REQUIRE_MESSAGE(one.ok(), one.error().message);
            REQUIRE(one->size() == 1);
            CHECK(one->front().id == first.id);
            std::string upper = email;
            for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
            auto same = withOidc(*storage, [&](OidcRepository& r) { return r.findUsersByEmail(upper); });
            REQUIRE(same.ok());
            CHECK(same->size() == 1);
            for (const char* tag : {"mail2", "mail3"}) {
                auto u = makeUser(tag);
                u.email = email;
                REQUIRE(createUser(*storage, u).ok());
            }
            auto many = withOidc(*storage, [&](OidcRepository& r) { return r.findUsersByEmail(email); });
            REQUIRE(many.ok());
            CHECK(many->size() == 2);
            auto none = withOidc(*storage, [&](OidcRepository& r) { return r.findUsersByEmail(""); });
            REQUIRE(none.ok());
            CHECK(none->empty());
        });
    }
}

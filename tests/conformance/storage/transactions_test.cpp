#include <doctest/doctest.h>

#include <chrono>
#include <stdexcept>
#include <thread>

#include "backend_context.hpp"
#include "conformance_support.hpp"

using namespace obscura;
using namespace obscura::conformance;

namespace {

bool exists(storage::Storage& storage, const std::string& id) {
    auto found = findUserById(storage, id);
    REQUIRE_MESSAGE(found.ok(), found.error().message);
    return found->has_value();
}

}  // namespace

TEST_SUITE("conformance.transactions") {
    TEST_CASE("ping answers on an open database") {
        forEachBackend([](Backend& backend) {
            auto database = backend.newDatabase();
            auto opened = database->open();
            REQUIRE_MESSAGE(opened.ok(), opened.error().message);
            auto ping = (*opened)->ping();
            CHECK_MESSAGE(ping.ok(), (ping.ok() ? "" : ping.error().message));
        });
    }

    TEST_CASE("a transaction commits every write when its callback succeeds") {
        forEachBackend([](Backend& backend) {
            auto database = backend.newDatabase();
            auto storage = openMigrated(*database);
            const auto a = makeUser("commit_a");
            const auto b = makeUser("commit_b");
            auto status = storage->transaction([&](storage::Repositories& repos) -> Status {
                OBSCURA_TRY_STATUS(repos.auth().createUser(a));
                OBSCURA_TRY_STATUS(repos.auth().createUser(b));
                // Reads inside the transaction see its own writes.
                auto own = repos.auth().findUserById(a.id);
                if (!own || !own->has_value()) return internalError("own write not visible inside the transaction");
                return {};
            });
            REQUIRE_MESSAGE(status.ok(), status.error().message);
            CHECK(exists(*storage, a.id));
            CHECK(exists(*storage, b.id));
        });
    }

    TEST_CASE("a callback's error rolls everything back and is returned unchanged") {
        forEachBackend([](Backend& backend) {
            auto database = backend.newDatabase();
            auto storage = openMigrated(*database);
            const auto user = makeUser("rollback");
            auto status = storage->transaction([&](storage::Repositories& repos) -> Status {
                OBSCURA_TRY_STATUS(repos.auth().createUser(user));
                return Error(ErrorCode::QuotaExceeded, "caller changed its mind", "quota_check");
            });
            REQUIRE_FALSE(status.ok());
            CHECK(status.error().code == ErrorCode::QuotaExceeded);
            CHECK(status.error().message == "caller changed its mind");
            CHECK(status.error().reason == "quota_check");
            CHECK_FALSE(exists(*storage, user.id));
        });
    }

    TEST_CASE("a callback that throws is rolled back, reported as Internal, and the storage stays usable") {
        forEachBackend([](Backend& backend) {
            auto database = backend.newDatabase();
            // A pool of 2 and more failures than that: a connection leaked by a failure would starve the pool.
            auto storage = openMigrated(*database, 2);
            for (int round = 0; round < 5; ++round) {
                CAPTURE(round);
                const auto user = makeUser("throws");
                auto status = storage->transaction([&](storage::Repositories& repos) -> Status {
                    auto created = repos.auth().createUser(user);
                    if (!created) return created;
                    if (round % 2 == 0) throw std::runtime_error("boom in callback");
                    throw 42;  // not even a std::exception
                });
                REQUIRE_FALSE(status.ok());
                CHECK(status.error().code == ErrorCode::Internal);
                if (round % 2 == 0) CHECK(status.error().message.find("boom in callback") != std::string::npos);
                CHECK_FALSE(exists(*storage, user.id));
            }
            const auto after = makeUser("after_throws");
            auto status =
                storage->transaction([&](storage::Repositories& repos) { return repos.auth().createUser(after); });
            REQUIRE_MESSAGE(status.ok(), status.error().message);
            CHECK(exists(*storage, after.id));
            auto run = storage->run([](storage::Repositories&) -> Status { throw std::logic_error("run throws"); });
            REQUIRE_FALSE(run.ok());
            CHECK(run.error().code == ErrorCode::Internal);
            CHECK(storage->ping().ok());
        });
    }

    TEST_CASE("a failed statement inside a transaction leaves the transaction usable") {
        forEachBackend([](Backend& backend) {
            auto database = backend.newDatabase();
            auto storage = openMigrated(*database);
            const auto first = makeUser("stmt_first");
            auto duplicate = makeUser("stmt_dup");
            duplicate.usernameKey = first.usernameKey;
            const auto last = makeUser("stmt_last");
            auto status = storage->transaction([&](storage::Repositories& repos) -> Status {
                OBSCURA_TRY_STATUS(repos.auth().createUser(first));
                auto clash = repos.auth().createUser(duplicate);
                if (clash.ok() || clash.error().code != ErrorCode::Conflict) {
                    return internalError("expected a Conflict for the duplicate username");
                }
                return repos.auth().createUser(last);
            });
            REQUIRE_MESSAGE(status.ok(), status.error().message);
            CHECK(exists(*storage, first.id));
            CHECK_FALSE(exists(*storage, duplicate.id));
            CHECK(exists(*storage, last.id));
        });
    }

    TEST_CASE("uncommitted writes are invisible to other connections") {
        forEachBackend([](Backend& backend) {
            auto database = backend.newDatabase();
            auto storage = openMigrated(*database, 4);
            const auto user = makeUser("isolation");
            Expected<std::optional<storage::UserRecord>> seenOutside = std::optional<storage::UserRecord>();
            auto status = storage->transaction([&](storage::Repositories& repos) -> Status {
                OBSCURA_TRY_STATUS(repos.auth().createUser(user));
                // Another thread borrows another connection; reading must neither block nor see the row.
                std::thread reader([&] { seenOutside = findUserById(*storage, user.id); });
                reader.join();
                return {};
            });
            REQUIRE_MESSAGE(status.ok(), status.error().message);
            REQUIRE_MESSAGE(seenOutside.ok(), seenOutside.error().message);
            CHECK_FALSE(seenOutside->has_value());
            CHECK(exists(*storage, user.id));
        });
    }

    TEST_CASE("calling the storage from inside its own callback fails at once instead of deadlocking") {
        forEachBackend([](Backend& backend) {
            auto database = backend.newDatabase();
            auto storage = openMigrated(*database);
            const auto user = makeUser("nested");
            Status nestedTransaction;
            Status nestedRun;
            const auto start = std::chrono::steady_clock::now();
            auto status = storage->transaction([&](storage::Repositories& repos) -> Status {
                OBSCURA_TRY_STATUS(repos.auth().createUser(user));
                nestedTransaction = storage->transaction([](storage::Repositories&) { return Status{}; });
                nestedRun = storage->run([](storage::Repositories&) { return Status{}; });
                return {};
            });
            const auto elapsed = std::chrono::steady_clock::now() - start;
            REQUIRE_MESSAGE(status.ok(), status.error().message);
            REQUIRE_FALSE(nestedTransaction.ok());
            CHECK(nestedTransaction.error().code == ErrorCode::Internal);
            REQUIRE_FALSE(nestedRun.ok());
            CHECK(nestedRun.error().code == ErrorCode::Internal);
            CHECK(elapsed < std::chrono::seconds(2));
            CHECK(exists(*storage, user.id));
        });
    }

    TEST_CASE("an empty callback is an error, not a crash") {
        forEachBackend([](Backend& backend) {
            auto database = backend.newDatabase();
            auto storage = openMigrated(*database);
            CHECK_FALSE(storage->transaction(storage::RepoFn{}).ok());
            CHECK_FALSE(storage->run(storage::RepoFn{}).ok());
        });
    }
}

// The auth repository's contract: uniqueness as Conflict, absence as nullopt, counts.
#include <doctest/doctest.h>

#include "backend_context.hpp"
#include "conformance_support.hpp"

using namespace obscura;
using namespace obscura::conformance;

TEST_SUITE("conformance.users") {
    TEST_CASE("a taken username key or id is a Conflict, and the existing row is untouched") {
        forEachBackend([](Backend& backend) {
            auto database = backend.newDatabase();
            auto storage = openMigrated(*database);
            const auto original = makeUser("unique");
            REQUIRE(createUser(*storage, original).ok());

            auto sameKey = makeUser("unique_key");
            sameKey.username = "UPPER_" + original.username;  // differs as typed, same normalised key
            sameKey.usernameKey = original.usernameKey;
            auto keyClash = createUser(*storage, sameKey);
            REQUIRE_FALSE(keyClash.ok());
            CHECK(keyClash.error().code == ErrorCode::Conflict);
            CHECK_FALSE(keyClash.error().message.empty());

            auto sameId = makeUser("unique_id");
            sameId.id = original.id;
            auto idClash = createUser(*storage, sameId);
            REQUIRE_FALSE(idClash.ok());
            CHECK(idClash.error().code == ErrorCode::Conflict);

            auto found = findUserByUsernameKey(*storage, original.usernameKey);
            REQUIRE(found.ok());
            REQUIRE(found->has_value());
            CHECK((*found)->id == original.id);
            CHECK((*found)->username == original.username);
            auto byId = findUserById(*storage, original.id);
            REQUIRE(byId.ok());
            REQUIRE(byId->has_value());
            CHECK((*byId)->usernameKey == original.usernameKey);
        });
    }

    TEST_CASE("looking up a user that does not exist is an empty answer, not an error") {
        forEachBackend([](Backend& backend) {
            auto database = backend.newDatabase();
            auto storage = openMigrated(*database);
            auto byId = findUserById(*storage, newUuid());
            REQUIRE_MESSAGE(byId.ok(), byId.error().message);
            CHECK_FALSE(byId->has_value());
            auto byKey = findUserByUsernameKey(*storage, "nobody_" + newUuid());
            REQUIRE_MESSAGE(byKey.ok(), byKey.error().message);
            CHECK_FALSE(byKey->has_value());
        });
    }

    TEST_CASE("countUsers counts what was created") {
        forEachBackend([](Backend& backend) {
            auto database = backend.newDatabase();
            auto storage = openMigrated(*database);
            auto before = countUsers(*storage);
            REQUIRE_MESSAGE(before.ok(), before.error().message);
            if (database->fresh()) CHECK(*before == 0);
            for (int i = 0; i < 3; ++i) REQUIRE(createUser(*storage, makeUser("count")).ok());
            auto after = countUsers(*storage);
            REQUIRE(after.ok());
            if (database->fresh()) {
                CHECK(*after == 3);
            } else {
                CHECK(*after >= *before + 3);
            }
        });
    }

    TEST_CASE("the images and media repositories answer on a migrated database") {
        forEachBackend([](Backend& backend) {
            auto database = backend.newDatabase();
            auto storage = openMigrated(*database);
            Expected<storage::AssetCounts> assets = storage::AssetCounts{-1, -1};
            Expected<std::int64_t> derivatives = std::int64_t{-1};
            auto status = storage->run([&](storage::Repositories& repos) -> Status {
                assets = repos.images().countAssets(newUuid());
                derivatives = repos.media().countDerivatives(newUuid());
                return {};
            });
            REQUIRE(status.ok());
            REQUIRE_MESSAGE(assets.ok(), assets.error().message);
            CHECK(assets->images == 0);
            CHECK(assets->videos == 0);
            REQUIRE_MESSAGE(derivatives.ok(), derivatives.error().message);
            CHECK(*derivatives == 0);
        });
    }
}

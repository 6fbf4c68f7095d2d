#include "api_key_service.hpp"

#include <doctest/doctest.h>

#include "obscura/base/clock.hpp"
#include "obscura/base/rfc3339.hpp"
#include "obscura/storage/storage.hpp"
#include "secrets.hpp"
#include "sqlite_test_storage.hpp"

using namespace obscura;
using namespace obscura::auth;
using obscura::test::SqliteTestStorage;

namespace {

struct Keys {
    SqliteTestStorage db;
    FakeClock clock{1714564800LL * 1000000};
    ApiKeyService keys{db.storage(), clock};
    std::string alice = db.createUser("alice");
    std::string bob = db.createUser("bob");
};

}  // namespace

TEST_SUITE("auth.api_key_service") {
    TEST_CASE("a new key's secret is shown once; only its hash is stored") {
        Keys t;
        auto created = t.keys.create(t.alice, std::string("laptop"));
        REQUIRE_MESSAGE(created.ok(), created.error().message);
        CHECK_FALSE(created->secret.empty());
        CHECK(created->key.keyHash == hashSecret(created->secret));
        CHECK(created->key.keyHash != created->secret);
        CHECK(created->key.name == "laptop");
        CHECK(created->key.createdAt == formatRfc3339(1714564800LL * 1000000));  // the injected clock
        auto listed = t.keys.list(t.alice);
        REQUIRE(listed.ok());
        REQUIRE(listed->size() == 1);
        CHECK(listed->front().id == created->key.id);
        CHECK(listed->front().keyHash == created->key.keyHash);
    }

    TEST_CASE("a key without a name is called API Key; an empty name is invalid") {
        Keys t;
        auto unnamed = t.keys.create(t.alice, std::nullopt);
        REQUIRE(unnamed.ok());
        CHECK(unnamed->key.name == "API Key");
        auto empty = t.keys.create(t.alice, std::string());
        REQUIRE_FALSE(empty.ok());
        CHECK(empty.error().code == ErrorCode::Invalid);
    }

    TEST_CASE("an account holds at most 100 keys") {
        Keys t;
        for (std::size_t i = 0; i < kMaxApiKeysPerUser; ++i) REQUIRE(t.keys.create(t.alice, std::nullopt).ok());
        auto one = t.keys.create(t.alice, std::nullopt);
        REQUIRE_FALSE(one.ok());
        CHECK(one.error().code == ErrorCode::Conflict);
        CHECK(t.keys.create(t.bob, std::nullopt).ok());
    }

    TEST_CASE("another user's key is as absent as one that never existed") {
        Keys t;
        auto created = t.keys.create(t.alice, std::string("phone"));
        REQUIRE(created.ok());
        CHECK(t.keys.find(t.bob, created->key.id).error().code == ErrorCode::NotFound);
        CHECK(t.keys.remove(t.bob, created->key.id).error().code == ErrorCode::NotFound);
        auto bobs = t.keys.list(t.bob);
        REQUIRE(bobs.ok());
        CHECK(bobs->empty());
        CHECK(t.keys.find(t.alice, created->key.id).ok());
    }

    TEST_CASE("a deleted key is gone, and an id that is not a UUID names nothing") {
        Keys t;
        auto created = t.keys.create(t.alice, std::string("old"));
        REQUIRE(created.ok());
        REQUIRE(t.keys.remove(t.alice, created->key.id).ok());
        CHECK(t.keys.find(t.alice, created->key.id).error().code == ErrorCode::NotFound);
        CHECK(t.keys.remove(t.alice, created->key.id).error().code == ErrorCode::NotFound);
        CHECK(t.keys.remove(t.alice, "me").error().code == ErrorCode::NotFound);
        auto listed = t.keys.list(t.alice);
        REQUIRE(listed.ok());
        CHECK(listed->empty());
    }
}

// The auth repository's user operations beyond create/find: the atomic first user, guarded writes that
// never leave the server without an active admin, keyset listing, and cascading deletes.
#include <doctest/doctest.h>

#include <algorithm>

#include "backend_context.hpp"
#include "conformance_support.hpp"

using namespace obscura;
using namespace obscura::conformance;
using storage::AuthRepository;
using storage::UserWrite;

namespace {

storage::UserRecord makeAdmin(const std::string& tag) {
    auto user = makeUser(tag);
    user.isAdmin = true;
    return user;
}

storage::UserRecord reread(storage::Storage& storage, const std::string& id) {
    auto found = findUserById(storage, id);
    REQUIRE_MESSAGE(found.ok(), found.error().message);
    REQUIRE(found->has_value());
    return **found;
}

}  // namespace

TEST_SUITE("conformance.auth_users") {
    TEST_CASE("createFirstUser inserts only while the users table is empty") {
        forEachBackend([](Backend& backend) {
            auto database = backend.newDatabase();
            auto storage = openMigrated(*database);
            const auto first = makeAdmin("first");
            auto inserted = withAuth(*storage, [&](AuthRepository& a) { return a.createFirstUser(first); });
            REQUIRE_MESSAGE(inserted.ok(), inserted.error().message);
            if (database->fresh()) {
                CHECK(*inserted);
                CHECK(describeDifference(first, reread(*storage, first.id)) == "");
            }
            // Whatever the database held before, it now holds a user: a second first user is refused.
            const auto second = makeAdmin("second");
            auto again = withAuth(*storage, [&](AuthRepository& a) { return a.createFirstUser(second); });
            REQUIRE(again.ok());
            CHECK_FALSE(*again);
            auto missing = findUserById(*storage, second.id);
            REQUIRE(missing.ok());
            CHECK_FALSE(missing->has_value());
        });
    }

    TEST_CASE("updateUser writes every mutable field, keeps the identity fields, and reports a missing user") {
        forEachBackend([](Backend& backend) {
            auto database = backend.newDatabase();
            auto storage = openMigrated(*database);
            const auto original = makeUser("update");
            REQUIRE(createUser(*storage, original).ok());

            auto changed = original;
            changed.email = "new@example.org";
            changed.displayName = "Neu";
            changed.bio = "Ünïcödé bio";
            changed.passwordHash = "$argon2id$v=19$m=19456,t=2,p=1$bmV3c2FsdA$bmV3aGFzaA";
            changed.isAdmin = true;
            changed.disabled = true;
            changed.quotaBytes = 1234567890123;
            changed.tokenVersion = 7;
            changed.updatedAt = "2024-06-01T08:00:00+02:00";
            auto attempted = changed;
            attempted.username = "someone_else";  // identity fields are not writable
            attempted.usernameKey = "someone_else";
            attempted.createdAt = "1999-01-01T00:00:00Z";
            auto write = withAuth(*storage, [&](AuthRepository& a) { return a.updateUser(attempted, false); });
            REQUIRE_MESSAGE(write.ok(), write.error().message);
            CHECK(*write == UserWrite::Done);
            CHECK(describeDifference(changed, reread(*storage, original.id)) == "");

            changed.quotaBytes = std::nullopt;  // back to unlimited
            write = withAuth(*storage, [&](AuthRepository& a) { return a.updateUser(changed, false); });
            REQUIRE(write.ok());
            CHECK_FALSE(reread(*storage, original.id).quotaBytes.has_value());

            auto ghost = makeUser("ghost");
            write = withAuth(*storage, [&](AuthRepository& a) { return a.updateUser(ghost, false); });
            REQUIRE(write.ok());
            CHECK(*write == UserWrite::NotFound);
            auto gone = withAuth(*storage, [&](AuthRepository& a) { return a.deleteUser(ghost.id, false); });
            REQUIRE(gone.ok());
            CHECK(*gone == UserWrite::NotFound);
        });
    }

    TEST_CASE("countActiveAdmins counts admins that are not disabled") {
        forEachBackend([](Backend& backend) {
            auto database = backend.newDatabase();
            auto storage = openMigrated(*database);
            auto before = withAuth(*storage, [](AuthRepository& a) { return a.countActiveAdmins(); });
            REQUIRE(before.ok());
            auto admin = makeAdmin("active");
            auto disabledAdmin = makeAdmin("disabled");
            disabledAdmin.disabled = true;
            REQUIRE(createUser(*storage, admin).ok());
            REQUIRE(createUser(*storage, disabledAdmin).ok());
            REQUIRE(createUser(*storage, makeUser("plain")).ok());
            auto after = withAuth(*storage, [](AuthRepository& a) { return a.countActiveAdmins(); });
            REQUIRE(after.ok());
            CHECK(*after == *before + 1);
        });
    }

    TEST_CASE("the guard refuses to demote, disable or delete the last active admin, and allows it with another") {
        forEachBackend([](Backend& backend) {
            auto database = backend.newDatabase();
            if (!database->fresh()) return;  // "the last admin" needs a database with no admins of other cases
            auto storage = openMigrated(*database);
            auto admin = makeAdmin("last");
            auto disabledAdmin = makeAdmin("off");
            disabledAdmin.disabled = true;  // a disabled admin does not count as another admin
            REQUIRE(createUser(*storage, admin).ok());
            REQUIRE(createUser(*storage, disabledAdmin).ok());

            auto demoted = admin;
            demoted.isAdmin = false;
            auto disabled = admin;
            disabled.disabled = true;
            for (const auto& attempt : {demoted, disabled}) {
                auto write = withAuth(*storage, [&](AuthRepository& a) { return a.updateUser(attempt, true); });
                REQUIRE(write.ok());
                CHECK(*write == UserWrite::LastAdmin);
            }
            auto removal = withAuth(*storage, [&](AuthRepository& a) { return a.deleteUser(admin.id, true); });
            REQUIRE(removal.ok());
            CHECK(*removal == UserWrite::LastAdmin);
            CHECK(describeDifference(admin, reread(*storage, admin.id)) == "");

            // The guard is the caller's choice: asked for, it holds whatever the write; not asked for, the
            // write goes through (the module asks only when the write takes away active-admin status).
            auto renamed = admin;
            renamed.displayName = "still admin";
            auto plain = withAuth(*storage, [&](AuthRepository& a) { return a.updateUser(renamed, true); });
            REQUIRE(plain.ok());
            CHECK(*plain == UserWrite::LastAdmin);
            plain = withAuth(*storage, [&](AuthRepository& a) { return a.updateUser(renamed, false); });
            REQUIRE(plain.ok());
            CHECK(*plain == UserWrite::Done);

            auto other = makeAdmin("other");
            REQUIRE(createUser(*storage, other).ok());
            auto write = withAuth(*storage, [&](AuthRepository& a) { return a.updateUser(demoted, true); });
            REQUIRE(write.ok());
            CHECK(*write == UserWrite::Done);
            CHECK_FALSE(reread(*storage, admin.id).isAdmin);
            // Now `other` is the last one.
            removal = withAuth(*storage, [&](AuthRepository& a) { return a.deleteUser(other.id, true); });
            REQUIRE(removal.ok());
            CHECK(*removal == UserWrite::LastAdmin);
            removal = withAuth(*storage, [&](AuthRepository& a) { return a.deleteUser(admin.id, true); });
            REQUIRE(removal.ok());
            CHECK(*removal == UserWrite::Done);
        });
    }

    TEST_CASE("listUsers pages by usernameKey after a cursor") {
        forEachBackend([](Backend& backend) {
            auto database = backend.newDatabase();
            auto storage = openMigrated(*database);
            const std::string prefix = "list_" + newUuid().substr(0, 8) + "_";
            std::vector<std::string> keys;
            for (const char* suffix : {"c", "a", "b", "e", "d"}) {
                auto user = makeUser("list");
                user.usernameKey = prefix + suffix;
                user.username = user.usernameKey;
                keys.push_back(user.usernameKey);
                REQUIRE(createUser(*storage, user).ok());
            }
            std::sort(keys.begin(), keys.end());
            // Start just before the prefix so other cases' users (on a shared database) come only after.
            std::string cursor = prefix.substr(0, prefix.size() - 1);
            std::vector<std::string> seen;
            for (int page = 0; page < 3; ++page) {
                auto rows = withAuth(*storage, [&](AuthRepository& a) { return a.listUsers(2, cursor); });
                REQUIRE_MESSAGE(rows.ok(), rows.error().message);
                CHECK(rows->size() <= 2);
                for (const auto& u : *rows) {
                    if (u.usernameKey.rfind(prefix, 0) == 0) seen.push_back(u.usernameKey);
                }
                if (rows->empty()) break;
                cursor = rows->back().usernameKey;
            }
            CHECK(seen == keys);
            auto bad = withAuth(*storage, [&](AuthRepository& a) { return a.listUsers(0, ""); });
            CHECK_FALSE(bad.ok());
        });
    }

    TEST_CASE("deleting a user deletes its refresh tokens and API keys with it") {
        forEachBackend([](Backend& backend) {
            auto database = backend.newDatabase();
            auto storage = openMigrated(*database);
            const auto user = makeUser("cascade");
            REQUIRE(createUser(*storage, user).ok());
            storage::RefreshTokenRecord token{
                newUuid(),    user.id, newUuid(), "rt" + newUuid(), "2024-05-01T12:00:00Z", 4'000'000'000'000'000,
                std::nullopt, false};
            storage::ApiKeyRecord key{newUuid(), user.id, "laptop", "ak" + newUuid(), "2024-05-01T12:00:00Z"};
            REQUIRE(withAuth(*storage, [&](AuthRepository& a) { return a.createRefreshToken(token); }).ok());
            REQUIRE(withAuth(*storage, [&](AuthRepository& a) { return a.createApiKey(key); }).ok());

            auto removal = withAuth(*storage, [&](AuthRepository& a) { return a.deleteUser(user.id, false); });
            REQUIRE(removal.ok());
            CHECK(*removal == UserWrite::Done);
            auto foundToken =
                withAuth(*storage, [&](AuthRepository& a) { return a.findRefreshToken(token.tokenHash); });
            REQUIRE(foundToken.ok());
            CHECK_FALSE(foundToken->has_value());
            auto foundKey = withAuth(*storage, [&](AuthRepository& a) { return a.findApiKeyByHash(key.keyHash); });
            REQUIRE(foundKey.ok());
            CHECK_FALSE(foundKey->has_value());
        });
    }
}

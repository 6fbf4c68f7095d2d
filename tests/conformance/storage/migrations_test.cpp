#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

#include "backend_context.hpp"
#include "conformance_support.hpp"

using namespace obscura;
using namespace obscura::conformance;

namespace {

int latestOf(const storage::Storage& storage, const std::string& module) {
    for (const auto& known : storage.knownMigrations()) {
        if (known.module == module) return known.toVersion;
    }
    FAIL("module " << module << " is not in knownMigrations()");
    return 0;
}

}  // namespace

TEST_SUITE("conformance.migrations") {
    TEST_CASE("every plugin lists the kernel, auth, images, media and sharing migrations") {
        forEachBackend([](Backend& backend) {
            auto database = backend.newDatabase();
            auto opened = database->open();
            REQUIRE_MESSAGE(opened.ok(), opened.error().message);
            const auto known = (*opened)->knownMigrations();
            std::vector<std::string> modules;
            for (const auto& m : known) {
                modules.push_back(m.module);
                CHECK(m.fromVersion == 0);
                CHECK(m.toVersion >= 1);
            }
            // Listed in an order that migrates cleanly: the kernel's jobs first, then referenced modules first.
            CHECK(modules == std::vector<std::string>{"kernel", "auth", "images", "media", "partners", "sharing",
                                                      "direct_uploads", "uploads", "relay", "dupes", "mfa",
                                                      "password_reset", "oidc", "finding", "live_photos"});
        });
    }

    TEST_CASE("migrate is per module, records its version, and a second run is a no-op") {
        forEachBackend([](Backend& backend) {
            auto database = backend.newDatabase();
            auto opened = database->open();
            REQUIRE_MESSAGE(opened.ok(), opened.error().message);
            auto& storage = **opened;
            if (database->fresh()) {
                for (const char* module :
                     {"kernel", "auth", "images", "media", "partners", "sharing", "direct_uploads", "uploads", "relay",
                      "dupes", "mfa", "password_reset", "oidc", "finding", "live_photos"})
                    CHECK(storage.schemaVersion(module).valueOr(-1) == 0);
            }
            for (const char* module :
                 {"kernel", "auth", "images", "media", "partners", "sharing", "direct_uploads", "uploads", "relay",
                  "dupes", "mfa", "password_reset", "oidc", "finding", "live_photos"}) {
                CAPTURE(module);
                const int latest = latestOf(storage, module);
                auto first = storage.migrate(module);
                REQUIRE_MESSAGE(first.ok(), first.error().message);
                CHECK(first->module == module);
                CHECK(first->toVersion == latest);
                if (database->fresh()) CHECK(first->fromVersion == 0);
                CHECK(storage.schemaVersion(module).valueOr(-1) == latest);
                if (database->fresh() && std::string(module) == "kernel") {
                    // Per module: migrating the kernel leaves the others untouched.
                    CHECK(storage.schemaVersion("auth").valueOr(-1) == 0);
                }
                if (database->fresh() && std::string(module) == "auth") {
                    // Per module: migrating auth leaves the others untouched.
                    CHECK(storage.schemaVersion("images").valueOr(-1) == 0);
                    CHECK(storage.schemaVersion("media").valueOr(-1) == 0);
                }
                auto second = storage.migrate(module);
                REQUIRE_MESSAGE(second.ok(), second.error().message);
                CHECK(second->fromVersion == latest);
                CHECK(second->toVersion == latest);
            }
        });
    }

    TEST_CASE("migrations and data survive closing and reopening the database") {
        forEachBackend([](Backend& backend) {
            auto database = backend.newDatabase();
            const auto user = makeUser("reopen");
            {
                auto storage = openMigrated(*database);
                REQUIRE(createUser(*storage, user).ok());
            }
            auto reopened = database->open();
            REQUIRE_MESSAGE(reopened.ok(), reopened.error().message);
            auto& storage = **reopened;
            for (const auto& known : storage.knownMigrations()) {
                CHECK(storage.schemaVersion(known.module).valueOr(-1) == known.toVersion);
                auto again = storage.migrate(known.module);
                REQUIRE(again.ok());
                CHECK(again->fromVersion == again->toVersion);
            }
            auto found = findUserById(storage, user.id);
            REQUIRE(found.ok());
            CHECK(found->has_value());
        });
    }

    TEST_CASE("a module whose dependency is not migrated yet fails, naming the dependency") {
        forEachBackend([](Backend& backend) {
            auto database = backend.newDatabase();
            if (!database->fresh()) return;  // needs an empty database
            auto opened = database->open();
            REQUIRE(opened.ok());
            auto& storage = **opened;
            auto media = storage.migrate("media");
            REQUIRE_FALSE(media.ok());
            CHECK(media.error().code == ErrorCode::Invalid);
            CHECK(media.error().message.find("'images'") != std::string::npos);
            CHECK(storage.schemaVersion("media").valueOr(-1) == 0);
            auto images = storage.migrate("images");
            REQUIRE_FALSE(images.ok());
            CHECK(images.error().message.find("'auth'") != std::string::npos);
            CHECK(storage.schemaVersion("images").valueOr(-1) == 0);
            // Nothing half-applied: the right order still works afterwards.
            for (const char* module :
                 {"kernel", "auth", "images", "media", "partners", "sharing", "direct_uploads", "uploads", "relay",
                  "dupes", "mfa", "password_reset", "oidc", "finding", "live_photos"})
                CHECK(storage.migrate(module).ok());
        });
    }

    TEST_CASE("an unknown module is rejected by name") {
        forEachBackend([](Backend& backend) {
            auto database = backend.newDatabase();
            auto storage = openMigrated(*database);
            auto result = storage->migrate("nosuchmodule");
            REQUIRE_FALSE(result.ok());
            CHECK(result.error().code == ErrorCode::Invalid);
            CHECK(result.error().message.find("nosuchmodule") != std::string::npos);
        });
    }

    TEST_CASE("processes racing to migrate apply each migration exactly once") {
        forEachBackend([](Backend& backend) {
            auto database = backend.newDatabase();
            if (!database->fresh()) return;  // counts who applied version 1, so the database must start empty
            // Separate Storage objects stand in for separate processes: they share nothing but the database.
            constexpr int kRacers = 4;
            std::vector<std::unique_ptr<storage::Storage>> storages;
            int latest = 0;
            for (int i = 0; i < kRacers; ++i) {
                auto opened = database->open(2);
                REQUIRE_MESSAGE(opened.ok(), opened.error().message);
                storages.push_back(std::move(*opened));
            }
            latest = latestOf(*storages.front(), "auth");
            std::vector<Expected<storage::MigrationResult>> results(kRacers, Error(ErrorCode::Internal, "not run"));
            std::atomic<bool> go{false};
            std::vector<std::thread> threads;
            for (int i = 0; i < kRacers; ++i) {
                threads.emplace_back([&, i] {
                    while (!go.load()) std::this_thread::yield();
                    results[i] = storages[i]->migrate("auth");
                });
            }
            go = true;
            for (auto& t : threads) t.join();
            int applied = 0;
            for (const auto& result : results) {
                REQUIRE_MESSAGE(result.ok(), result.error().message);
                CHECK(result->toVersion == latest);
                if (result->fromVersion == 0) ++applied;
            }
            CHECK(applied == 1);
        });
    }
}

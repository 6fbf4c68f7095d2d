#pragma once
// Alice, Bob and Carol on a real SQLite storage with the album services the routes use, and a record of the
// album.shared notices published on a real bus.
#include <doctest/doctest.h>

#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "access/access_service.hpp"
#include "albums/album_service.hpp"
#include "albums/album_sharing_service.hpp"
#include "albums/group_service.hpp"
#include "obscura/base/clock.hpp"
#include "obscura/base/ids.hpp"
#include "obscura/images/events.hpp"
#include "obscura/kernel/bus.hpp"
#include "obscura/kernel/metrics.hpp"
#include "obscura/kernel/storage_calls.hpp"
#include "sqlite_test_storage.hpp"

namespace obscura::images::test {

using obscura::test::SqliteTestStorage;
using storage::AlbumRole;

struct SharingWorld {
    SqliteTestStorage db;
    SystemClock clock;
    Metrics metrics;
    Bus bus{metrics, 1};
    AccessService access{db.storage()};
    AlbumService albums{db.storage(), clock};
    AlbumSharingService sharing{db.storage(), clock, bus};
    GroupService groups{db.storage(), clock};
    std::string alice = db.createUser("alice");
    std::string bob = db.createUser("bob");
    std::string carol = db.createUser("carol");

    std::mutex mu;
    std::vector<AlbumShared> notices;
    Bus::Subscription recorder = bus.subscribe<AlbumShared>("test", [this](const AlbumShared& e) {
        std::lock_guard lock(mu);
        notices.push_back(e);
    });

    ~SharingWorld() { bus.stop(); }

    storage::AlbumView album(const std::string& owner, const std::string& name,
                             std::optional<std::string> parentId = std::nullopt) {
        auto created = albums.create(owner, NewAlbum{name, "", {}, std::move(parentId)});
        REQUIRE_MESSAGE(created.ok(), created.error().message);
        return *created;
    }

    AlbumGrant grantOf(const std::string& caller, const std::string& albumId) {
        auto grant = access.album(caller, albumId);
        REQUIRE(grant.ok());
        REQUIRE(grant->has_value());
        return **grant;
    }

    // The caller's role on the album, None when they cannot see it.
    AlbumRole roleOf(const std::string& caller, const std::string& albumId) {
        auto grant = access.album(caller, albumId);
        REQUIRE(grant.ok());
        return *grant ? (*grant)->role : AlbumRole::None;
    }

    void share(const std::string& albumId, const std::string& user, AlbumRole role) {
        auto done = sharing.addMembers(grantOf(alice, albumId), {{user, role}});
        REQUIRE_MESSAGE(done.ok(), done.error().message);
    }

    void disable(const std::string& userId) {
        auto status = withRepos(db.storage(), [&](storage::Repositories& repos) -> Status {
            OBSCURA_TRY(user, repos.auth().findUserById(userId));
            user->disabled = true;
            OBSCURA_TRY(written, repos.auth().updateUser(*user, false));
            (void)written;
            return {};
        });
        REQUIRE(status.ok());
    }

    // Waits for the bus to deliver count notices (delivery is asynchronous).
    std::vector<AlbumShared> noticesAfter(std::size_t count) {
        for (int i = 0; i < 2500; ++i) {
            {
                std::lock_guard lock(mu);
                if (notices.size() >= count) break;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));  // and nothing more arrives
        std::lock_guard lock(mu);
        return notices;
    }
};

inline std::string reasonOf(const Status& status) { return status.ok() ? "" : status.error().reason; }

}  // namespace obscura::images::test

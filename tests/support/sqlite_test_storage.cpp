#include "sqlite_test_storage.hpp"

#include <doctest/doctest.h>

#include "storage_loader.hpp"
#include "test_records.hpp"

namespace obscura::test {

namespace {

void require(const Status& status) { REQUIRE_MESSAGE(status.ok(), status.error().message); }

}  // namespace

SqliteTestStorage::SqliteTestStorage() {
    // Loaded once: the handle is never closed, as in the server.
    static const auto plugin = loadStoragePlugin("sqlite", OBSCURA_PLUGIN_DIR);
    REQUIRE_MESSAGE(plugin.ok(), plugin.error().message);
    storage::StorageOptions options;
    options.dataDir = dir_.path();
    auto opened = openStorage(*plugin, options);
    REQUIRE_MESSAGE(opened.ok(), opened.error().message);
    storage_ = std::move(*opened);
    for (const auto& known : storage_->knownMigrations()) {
        auto migrated = storage_->migrate(known.module);
        REQUIRE_MESSAGE(migrated.ok(), migrated.error().message);
    }
}

SqliteTestStorage::~SqliteTestStorage() = default;

std::string SqliteTestStorage::createUser(const std::string& tag) {
    const auto user = makeUser(tag);
    require(storage_->run([&](storage::Repositories& repos) { return repos.auth().createUser(user); }));
    return user.id;
}

storage::AssetRecord SqliteTestStorage::createAsset(const std::string& ownerId, std::int64_t takenAtUs) {
    const auto asset = makeAsset(ownerId, takenAtUs);
    require(storage_->run([&](storage::Repositories& repos) { return repos.images().createAsset(asset); }));
    return asset;
}

void SqliteTestStorage::trash(const std::string& ownerId, const std::string& assetId) {
    require(storage_->run([&](storage::Repositories& repos) -> Status {
        OBSCURA_TRY(write, repos.images().trashAsset(ownerId, assetId, "2024-05-02T12:00:00Z", 1714651200LL * 1000000));
        if (write == storage::AssetWrite::NotFound) return notFound("no asset to trash");
        return {};
    }));
}

}  // namespace obscura::test

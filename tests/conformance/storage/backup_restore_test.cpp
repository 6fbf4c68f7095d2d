// Backup and restore through the storage API (storage.hpp: backupTo, restoreFrom, StorageFactory::checkBackup):
// what `obscura backup` and `obscura restore` rely on, on every plugin.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "backend_context.hpp"
#include "conformance_support.hpp"
#include "images_support.hpp"
#include "test_support.hpp"

using namespace obscura;
using namespace obscura::conformance;
using storage::Row;

namespace {

std::vector<Row> allRows(storage::Storage& storage, const std::string& table) {
    std::vector<Row> rows;
    auto status = storage.run([&](storage::Repositories& repos) -> Status {
        OBSCURA_TRY(read, repos.tableRows().readRows(table, {}, 10000));
        rows = std::move(read);
        return {};
    });
    REQUIRE_MESSAGE(status.ok(), status.error().message);
    return rows;
}

std::int64_t assetRowsIn(storage::Repositories& repos) {
    auto rows = repos.tableRows().readRows("assets", {}, 10000);
    return rows ? static_cast<std::int64_t>(rows->size()) : -1;
}

void truncateHalf(const std::string& path) {
    const auto size = std::filesystem::file_size(path);
    std::filesystem::resize_file(path, size / 2);
}

}  // namespace

TEST_SUITE("conformance.backup") {
    TEST_CASE("a backup is one snapshot: a write committed while it runs is in neither the copy nor the restore") {
        forEachBackend([](Backend& backend) {
            auto sourceDb = backend.newDatabase();
            auto targetDb = backend.newDatabase();
            if (!sourceDb->fresh() || !targetDb->fresh()) return;  // "empty" and "table for table" need own databases
            auto source = openMigrated(*sourceDb);
            const std::string owner = createOwner(*source, "backup");
            auto first = makeAsset(owner);
            first.title = "Café \"quoted\"\nsecond line 📷";
            first.durationSeconds = 1.0 / 3.0;
            createAssetOk(*source, first);
            createAssetOk(*source, makeAsset(owner, kJuly2021Us + 1));

            test::TempDir dir;
            const std::string path = dir / "database.copy";
            const auto late = makeAsset(owner, kJuly2021Us + 2);
            std::int64_t inSnapshot = -1;
            auto backedUp = source->backupTo(path, [&](storage::Repositories& repos) -> Status {
                // Another connection commits while the snapshot is still open.
                std::thread writer([&] { createAssetOk(*source, late); });
                writer.join();
                inSnapshot = assetRowsIn(repos);
                return {};
            });
            REQUIRE_MESSAGE(backedUp.ok(), backedUp.error().message);
            CHECK(inSnapshot == 2);
            CHECK(backend.plugin().factory->checkBackup(path).ok());

            auto target = targetDb->open(2);
            REQUIRE(target.ok());
            auto restored = (*target)->restoreFrom(path);
            REQUIRE_MESSAGE(restored.ok(), restored.error().message);
            for (const auto& known : (*target)->knownMigrations()) {
                CAPTURE(known.module);
                CHECK((*target)->schemaVersion(known.module).value() == known.toVersion);
            }
            for (const auto& table : storage::copyableTables()) {
                CAPTURE(table.name);
                auto expected = allRows(*source, table.name);
                if (std::string_view(table.name) == "assets") {
                    std::erase_if(expected, [&](const Row& row) { return std::get<std::string>(row[0]) == late.id; });
                    CHECK(expected.size() == 2);
                }
                CHECK(allRows(**target, table.name) == expected);
            }
            // The restored database is a working one: it takes the late asset now.
            createAssetOk(**target, late);
        });
    }

    TEST_CASE("restore refuses a database holding rows, and a cut-short copy, changing nothing") {
        forEachBackend([](Backend& backend) {
            auto sourceDb = backend.newDatabase();
            auto targetDb = backend.newDatabase();
            if (!sourceDb->fresh() || !targetDb->fresh()) return;
            auto source = openMigrated(*sourceDb);
            createOwner(*source, "kept");
            test::TempDir dir;
            const std::string path = dir / "database.copy";
            REQUIRE(source->backupTo(path, {}).ok());

            auto again = source->backupTo(path, {});  // never over an existing file
            REQUIRE_FALSE(again.ok());
            CHECK(again.error().code == ErrorCode::Invalid);

            auto target = openMigrated(*targetDb);
            const std::string there = createOwner(*target, "there");
            auto refused = target->restoreFrom(path);
            REQUIRE_FALSE(refused.ok());
            CHECK(refused.error().code == ErrorCode::Invalid);
            CHECK(refused.error().message.find("already holds data") != std::string::npos);
            const auto users = allRows(*target, "users");
            REQUIRE(users.size() == 1);
            CHECK(std::get<std::string>(users[0][0]) == there);

            const std::string cut = dir / "cut.copy";
            std::filesystem::copy_file(path, cut);
            truncateHalf(cut);
            auto damaged = backend.plugin().factory->checkBackup(cut);
            REQUIRE_FALSE(damaged.ok());
            CHECK(damaged.error().code == ErrorCode::Invalid);
            auto fresh = backend.newDatabase();
            auto empty = fresh->open(1);
            REQUIRE(empty.ok());
            CHECK_FALSE((*empty)->restoreFrom(cut).ok());
            CHECK(backend.plugin().factory->checkBackup(dir / "nothing-here").error().code == ErrorCode::Invalid);
        });
    }
}

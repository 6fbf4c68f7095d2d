#include "migrate_storage.hpp"

#include <filesystem>
#include <memory>
#include <vector>

#include "obscura/kernel/storage_calls.hpp"
#include "obscura/storage/storage.hpp"
#include "storage_loader.hpp"

namespace obscura {

namespace {

struct Side {
    std::string role;   // "source" / "target"
    std::string shown;  // the spec without a password
    LoadedStorage plugin;
    std::unique_ptr<storage::Storage> storage;
};

std::string withoutPassword(const std::string& spec) {
    const auto scheme = spec.find("://");
    const auto at = spec.find('@');
    if (scheme == std::string::npos || at == std::string::npos) return spec;
    const auto colon = spec.find(':', scheme + 3);
    if (colon == std::string::npos || colon > at) return spec;
    return spec.substr(0, colon + 1) + "***" + spec.substr(at);
}

Expected<Side> open(const std::string& role, const std::string& spec, const MigrateStorageOptions& options) {
    Side side;
    side.role = role;
    side.shown = withoutPassword(spec);
    storage::StorageOptions storageOptions;
    storageOptions.password = options.password;
    storageOptions.poolSize = 2;
    std::string plugin;
    if (spec.rfind("sqlite:", 0) == 0) {
        plugin = "sqlite";
        std::filesystem::path path = spec.substr(7);
        if (path.empty())
            return invalid("--" + std::string(role == "source" ? "from" : "to") + " sqlite: needs a path");
        path = std::filesystem::absolute(path).lexically_normal();
        // Opening a SQLite path creates the file: a mistyped source must not become an empty library.
        if (role == "source" && !std::filesystem::is_regular_file(path)) {
            return invalid("migrate-storage: no SQLite database at " + path.string());
        }
        storageOptions.url = "sqlite:" + path.string();
        side.shown = storageOptions.url;
    } else if (spec.rfind("mysql://", 0) == 0) {
        plugin = "mysql";
        storageOptions.url = spec;
    } else {
        return invalid("migrate-storage: " + role + " '" + side.shown +
                       "' is neither sqlite:PATH nor mysql://user@host:port/database");
    }
    OBSCURA_TRY(loaded, loadStoragePlugin(plugin, options.pluginDir));
    side.plugin = std::move(loaded);
    auto opened = openStorage(side.plugin, storageOptions);
    if (!opened)
        return Error(opened.error().code,
                     "migrate-storage: " + role + " " + side.shown + ": " + opened.error().message);
    side.storage = std::move(*opened);
    return side;
}

Expected<std::int64_t> countRows(storage::Storage& storage, const std::string& table) {
    return withRepos(storage, [&](storage::Repositories& repos) { return repos.tableRows().countRows(table); });
}

// The source must be exactly at this build's schema (its rows are read in this build's format); the target is
// migrated to it.
Status prepareSchemas(Side& source, Side& target) {
    for (const auto& known : source.storage->knownMigrations()) {
        OBSCURA_TRY(version, source.storage->schemaVersion(known.module));
        if (version != known.toVersion) {
            return invalid("migrate-storage: the source's module '" + known.module + "' is at schema version " +
                           std::to_string(version) + ", this obscura writes version " +
                           std::to_string(known.toVersion) + ": run `obscura migrate` on the source first");
        }
    }
    for (const auto& known : target.storage->knownMigrations()) {
        OBSCURA_TRY(result, target.storage->migrate(known.module));
        (void)result;
    }
    for (const auto& table : storage::copyableTables()) {
        OBSCURA_TRY(count, countRows(*target.storage, table.name));
        if (count != 0) {
            return invalid("migrate-storage: the target already holds data (" + std::to_string(count) + " rows in " +
                           table.name + "); copy into an empty database");
        }
    }
    return {};
}

Expected<std::int64_t> copyTable(storage::Repositories& from, storage::Storage& to, const storage::TableShape& table,
                                 int pageRows) {
    std::int64_t copied = 0;
    storage::Row after;
    for (;;) {
        OBSCURA_TRY(rows, from.tableRows().readRows(table.name, after, pageRows));
        if (rows.empty()) return copied;
        OBSCURA_TRY_STATUS(to.transaction(
            [&](storage::Repositories& repos) { return repos.tableRows().insertRows(table.name, rows); }));
        copied += static_cast<std::int64_t>(rows.size());
        if (static_cast<int>(rows.size()) < pageRows) return copied;
        after.assign(rows.back().begin(), rows.back().begin() + table.keyColumns);
    }
}

}  // namespace

Expected<std::string> migrateStorage(const MigrateStorageOptions& options, std::ostream& out) {
    if (options.from.empty() || options.to.empty()) return invalid("migrate-storage needs --from and --to");
    if (options.pageRows < 1) return invalid("migrate-storage: pageRows must be positive");
    OBSCURA_TRY(source, open("source", options.from, options));
    OBSCURA_TRY(target, open("target", options.to, options));
    OBSCURA_TRY_STATUS(prepareSchemas(source, target));

    using Copied = std::vector<std::pair<std::string, std::int64_t>>;  // table, rows
    // One read transaction over the whole source: every table is read as of the same moment.
    const auto copyAll = [&](storage::Repositories& repos) -> Expected<Copied> {
        Copied tables;
        for (const auto& table : storage::copyableTables()) {
            OBSCURA_TRY(rows, copyTable(repos, *target.storage, table, options.pageRows));
            out << "migrate-storage: " << table.name << ": " << rows << " rows copied" << std::endl;
            tables.emplace_back(table.name, rows);
        }
        return tables;
    };
    OBSCURA_TRY(copied, inTransaction(*source.storage, copyAll));
    std::int64_t total = 0;
    for (const auto& [table, rows] : copied) {
        total += rows;
        OBSCURA_TRY(inTarget, countRows(*target.storage, table));
        if (inTarget != rows) {
            return internalError("migrate-storage: " + table + " has " + std::to_string(inTarget) +
                                 " rows in the target after copying " + std::to_string(rows));
        }
    }
    return "copied " + std::to_string(total) + " rows in " + std::to_string(copied.size()) + " tables from " +
           source.shown + " to " + target.shown + "; every table's row count matches\n";
}

}  // namespace obscura

#include "backup_command.hpp"

#include <filesystem>
#include <ostream>

#include "backup.hpp"
#include "blob_loader.hpp"
#include "obscura/storage/storage.hpp"
#include "storage_loader.hpp"

namespace obscura {

namespace {

// Opens the configured storage and blob store of a running server and backs them up. Nothing is migrated and no
// folder of the data dir is touched: the server owns them.
Expected<std::string> backupRunning(const Config& config, const std::string& dir, const Clock& clock) {
    std::error_code ec;
    const std::string dataDir =
        std::filesystem::absolute(config.getString("server.dataDir"), ec).lexically_normal().string();
    const std::string plugin = config.getString("storage.plugin");
    // Opening a SQLite path creates the file: a mistyped data dir must not be backed up as an empty library.
    if (plugin == "sqlite" && config.getString("database.url").empty() &&
        !std::filesystem::is_regular_file(dataDir + "/obscura.db", ec)) {
        return invalid("backup: no database at " + dataDir + "/obscura.db (is --data-dir right?)");
    }
    OBSCURA_TRY(storage, openCommandStorage(config, dataDir));
    OBSCURA_TRY(blobs, openConfiguredBlobStore(config, dataDir, nullptr));
    const std::string target = std::filesystem::absolute(dir, ec).lexically_normal().string();
    OBSCURA_TRY(summary, writeBackup(*storage, *blobs, target, dataDir, clock));
    return summary.describe();
}

}  // namespace

Expected<std::unique_ptr<storage::Storage>> openCommandStorage(const Config& config, const std::string& dataDir) {
    OBSCURA_TRY(loaded, loadStoragePlugin(config.getString("storage.plugin"), config.getString("storage.pluginDir")));
    storage::StorageOptions options;
    options.dataDir = dataDir;
    options.url = config.getString("database.url");
    options.password = config.getString("database.password");
    options.poolSize = 2;
    return openStorage(loaded, options);
}

int runBackupCommand(const CliCommand& command, const Config& config, const Clock& clock, std::ostream& out,
                     std::ostream& err) {
    Expected<std::string> result = internalError("not a backup command");
    if (command.kind == CliCommand::Backup) result = backupRunning(config, command.backupDir, clock);
    if (command.kind == CliCommand::BackupVerify) result = verifyBackup(config, command.backupDir);
    if (command.kind == CliCommand::Restore) result = restoreBackup(config, command.backupDir, out);
    if (!result) {
        err << "obscura: " << result.error().message << std::endl;
        return 1;
    }
    out << *result;
    return 0;
}

}  // namespace obscura

// writeBackup (backup.hpp): the database snapshot first, then the blobs that snapshot names.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <unordered_set>

#include "app.hpp"
#include "backup.hpp"
#include "backup_manifest.hpp"
#include "blob_digest.hpp"
#include "obscura/base/clock.hpp"
#include "obscura/base/rfc3339.hpp"
#include "obscura/blobs/blob_store.hpp"
#include "obscura/storage/repositories.hpp"
#include "obscura/storage/storage.hpp"
#include "obscura/storage/table_rows.hpp"

namespace obscura {

namespace fs = std::filesystem;

namespace {

// What the database snapshot names: originals by key, and the assets whose derived/ folders go with them.
struct SnapshotKeys {
    std::unordered_set<std::string> originals;
    std::unordered_set<std::string> assetFolders;  // "derived/<owner>/<asset>/"
};

int columnIndex(const storage::TableShape& table, std::string_view name) {
    for (std::size_t i = 0; i < table.columns.size(); ++i)
        if (name == table.columns[i].name) return static_cast<int>(i);
    return -1;
}

Status readSnapshotKeys(storage::Repositories& repos, SnapshotKeys& keys) {
    const auto* assets = storage::findCopyableTable("assets");
    const int id = columnIndex(*assets, "id"), owner = columnIndex(*assets, "owner_id"),
              path = columnIndex(*assets, "storage_path");
    storage::Row after;
    for (;;) {
        OBSCURA_TRY(rows, repos.tableRows().readRows("assets", after, 1000));
        for (const auto& row : rows) {
            const auto& assetId = std::get<std::string>(row[static_cast<std::size_t>(id)]);
            keys.originals.insert(std::get<std::string>(row[static_cast<std::size_t>(path)]));
            keys.assetFolders.insert("derived/" + std::get<std::string>(row[static_cast<std::size_t>(owner)]) + "/" +
                                     assetId + "/");
        }
        if (rows.size() < 1000) return {};
        after = {rows.back()[static_cast<std::size_t>(id)]};
    }
}

// "derived/<owner>/<asset>/" of a derived key, or "".
std::string assetFolderOf(const std::string& key) {
    std::size_t slash = key.find('/');
    for (int i = 0; i < 2 && slash != std::string::npos; ++i) slash = key.find('/', slash + 1);
    return slash == std::string::npos ? "" : key.substr(0, slash + 1);
}

// Whether a listed key belongs in the backup: originals and asset derivatives the snapshot names, a user's own
// derived files (derived/<user>/avatar.webp) and direct uploads awaiting their confirmation. Nothing else: top-level
// files of the data dir (the database, the secret), tmp/, work/, lost+found/, the resumable uploads' local spool,
// and whatever else lives in the data dir (a backup folder put there must not be backed up into the next one).
bool wanted(const std::string& key, const SnapshotKeys& keys) {
    if (key.rfind("library/", 0) == 0) return keys.originals.count(key) > 0;
    if (key.rfind("derived/", 0) == 0) {
        const std::string folder = assetFolderOf(key);
        return folder.empty() || keys.assetFolders.count(folder) > 0;
    }
    return key.rfind("direct-uploads/", 0) == 0;
}

// Makes dir (absent or empty) ready; `created` tells the cleanup whether to remove it or only empty it.
Status prepareDir(const std::string& dir, bool& created) {
    std::error_code ec;
    created = false;
    if (fs::exists(dir, ec)) {
        if (!fs::is_directory(dir, ec)) return invalid("backup: " + dir + " exists and is not a directory");
        if (!fs::is_empty(dir, ec))
            return invalid("backup: " + dir + " is not empty; back up into a new or an empty directory");
    } else {
        fs::create_directories(dir, ec);
        if (ec) return invalid("backup: cannot create " + dir + ": " + ec.message());
        created = true;
    }
    fs::create_directory(dir + "/database", ec);
    if (ec) {
        if (created) fs::remove_all(dir, ec);
        return invalid("backup: " + dir + " is not writable: " + ec.message());
    }
    return {};
}

// Every file written so far reaches the disk before the manifest says the backup is complete.
Status syncAll(const std::string& dir) {
    const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0 || ::syncfs(fd) != 0) {
        if (fd >= 0) ::close(fd);
        return internalError("backup: cannot sync " + dir);
    }
    ::close(fd);
    return {};
}

Expected<BackupFile> recordFile(const std::string& dir, const std::string& relative) {
    OBSCURA_TRY(digest, digestFile(dir + "/" + relative));
    return BackupFile{relative, digest.size, digest.sha256};
}

Status copyBlobs(blobs::BlobStore& blobs, const std::string& dir, const SnapshotKeys& keys, BackupManifest& manifest) {
    std::unordered_set<std::string> found;
    std::string continuation;
    do {
        OBSCURA_TRY(page, blobs.list("", continuation, 1000));
        for (const auto& entry : page.entries) {
            if (!wanted(entry.key, keys)) continue;
            std::string copyTo;
            if (manifest.blobsIncluded) {
                copyTo = dir + "/blobs/" + entry.key;
                std::error_code ec;
                fs::create_directories(fs::path(copyTo).parent_path(), ec);
                if (ec) return internalError("backup: cannot create " + copyTo + ": " + ec.message());
            }
            auto digest = digestBlob(blobs, entry.key, copyTo);
            if (!digest && digest.error().code == ErrorCode::NotFound) continue;  // removed since the listing
            if (!digest) return Error(digest.error().code, "backup: " + entry.key + ": " + digest.error().message);
            manifest.blobs.push_back({entry.key, digest->size, digest->sha256});
            found.insert(entry.key);
        }
        continuation = page.next;
    } while (!continuation.empty());
    for (const auto& key : keys.originals)
        if (found.count(key) == 0) manifest.vanished.push_back(key);
    return {};
}

}  // namespace

std::string BackupSummary::describe() const {
    std::string text = "backup: done, " + dir + ": the database and " + std::to_string(blobs) + " blobs, " +
                       std::to_string(bytes) + " bytes, every file with its SHA-256 in manifest.json";
    if (vanished > 0)
        text += "; " + std::to_string(vanished) + " originals were deleted after the snapshot (listed as vanished)";
    return text + "\n";
}

Expected<BackupSummary> writeBackup(storage::Storage& storage, blobs::BlobStore& blobs, const std::string& dir,
                                    const std::string& dataDir, const Clock& clock) {
    bool created = false;
    OBSCURA_TRY_STATUS(prepareDir(dir, created));
    BackupManifest manifest;
    manifest.obscuraVersion = std::string(obscuraVersion());
    manifest.createdAt = formatRfc3339(clock.nowUs());
    manifest.storagePlugin = std::string(storage.name());
    manifest.blobsPlugin = std::string(blobs.name());
    manifest.blobsIncluded = blobs.name() == "local";  // an s3 bucket keeps its own copies: listed only
    const std::string databaseFile =
        manifest.storagePlugin == "sqlite" ? "database/obscura.db" : "database/obscura.dump";

    const auto attempt = [&]() -> Status {
        SnapshotKeys keys;
        OBSCURA_TRY_STATUS(storage.backupTo(
            dir + "/" + databaseFile, [&](storage::Repositories& repos) { return readSnapshotKeys(repos, keys); }));
        OBSCURA_TRY(database, recordFile(dir, databaseFile));
        manifest.database = database;
        std::error_code ec;
        if (fs::exists(dataDir + "/secret", ec)) {
            fs::copy_file(dataDir + "/secret", dir + "/secret", ec);
            if (ec) return internalError("backup: cannot copy the secret: " + ec.message());
            fs::permissions(dir + "/secret", fs::perms::owner_read | fs::perms::owner_write, ec);
            OBSCURA_TRY(secret, recordFile(dir, "secret"));
            manifest.secret = secret;
        }
        OBSCURA_TRY_STATUS(copyBlobs(blobs, dir, keys, manifest));
        OBSCURA_TRY_STATUS(syncAll(dir));
        return writeManifest(dir, manifest);
    };
    if (auto done = attempt(); !done) {
        removeWhatWasMade(dir, created);
        return done.error();
    }
    BackupSummary summary;
    summary.dir = dir;
    summary.blobs = manifest.blobs.size();
    summary.bytes = manifest.database.size;
    for (const auto& blob : manifest.blobs) summary.bytes += blob.size;
    summary.vanished = manifest.vanished.size();
    return summary;
}

}  // namespace obscura

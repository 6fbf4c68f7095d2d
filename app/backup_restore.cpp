// verifyBackup and restoreBackup (backup.hpp). A restore checks everything it can before it changes anything: the
// manifest, every checksum, the database copy through its plugin, an empty data dir and blob store, an empty
// database (the plugin's restoreFrom refuses one with rows before writing).
#include <filesystem>
#include <set>

#include "backup.hpp"
#include "backup_manifest.hpp"
#include "blob_digest.hpp"
#include "blob_loader.hpp"
#include "obscura/blobs/blob_store.hpp"
#include "obscura/kernel/config.hpp"
#include "obscura/storage/storage.hpp"
#include "storage_loader.hpp"

namespace obscura {

namespace fs = std::filesystem;

namespace {

std::string where(const BackupFile& file, bool blob) { return blob ? "blobs/" + file.path : file.path; }

Status checkFile(const std::string& dir, const BackupFile& file, bool blob) {
    const std::string relative = where(file, blob);
    auto digest = digestFile(dir + "/" + relative);
    if (!digest && digest.error().code == ErrorCode::NotFound)
        return invalid("backup: " + relative + " is missing from " + dir);
    if (!digest) return Error(digest.error().code, "backup: " + digest.error().message);
    if (digest->size != file.size) {
        return invalid("backup: " + relative + " is " + std::to_string(digest->size) + " bytes, the manifest says " +
                       std::to_string(file.size) + " (truncated or damaged)");
    }
    if (digest->sha256 != file.sha256)
        return invalid("backup: " + relative +
                       " does not match its SHA-256 in the manifest (damaged or tampered with)");
    return {};
}

// Every file the manifest names, with its size and checksum, and no blob file it does not name.
Status checkFiles(const std::string& dir, const BackupManifest& manifest) {
    OBSCURA_TRY_STATUS(checkFile(dir, manifest.database, false));
    if (manifest.secret) OBSCURA_TRY_STATUS(checkFile(dir, *manifest.secret, false));
    if (!manifest.blobsIncluded) return {};
    std::set<std::string> listed;
    for (const auto& blob : manifest.blobs) {
        OBSCURA_TRY_STATUS(checkFile(dir, blob, true));
        listed.insert(blob.path);
    }
    std::error_code ec;
    const fs::path root = dir + "/blobs";
    if (!fs::exists(root, ec)) return {};
    for (auto it = fs::recursive_directory_iterator(root, ec); !ec && it != fs::recursive_directory_iterator();
         it.increment(ec)) {
        if (!it->is_regular_file()) continue;
        const std::string key = fs::relative(it->path(), root).string();
        if (listed.count(key) == 0) return invalid("backup: blobs/" + key + " is not in the manifest");
    }
    if (ec) return internalError("backup: cannot read " + root.string() + ": " + ec.message());
    return {};
}

// The database copy, read to its end by the plugin that wrote it.
Status checkDatabase(const Config& config, const std::string& dir, const BackupManifest& manifest) {
    OBSCURA_TRY(plugin, loadStoragePlugin(manifest.storagePlugin, config.getString("storage.pluginDir")));
    try {
        return plugin.factory->checkBackup(dir + "/" + manifest.database.path);
    } catch (...) {
        return internalError("backup: storage plugin " + plugin.path + " threw while reading the database copy");
    }
}

Expected<BackupManifest> readAndCheck(const Config& config, const std::string& dir) {
    OBSCURA_TRY(manifest, readManifest(dir));
    OBSCURA_TRY_STATUS(checkFiles(dir, manifest));
    OBSCURA_TRY_STATUS(checkDatabase(config, dir, manifest));
    return manifest;
}

// Whether the store holds any blob (the local store of an empty data dir holds none).
Expected<bool> storeHoldsBlobs(blobs::BlobStore& blobs) {
    OBSCURA_TRY(page, blobs.list("", "", 100));
    for (const auto& entry : page.entries)
        if (entry.key.find('/') != std::string::npos && entry.key.rfind("tmp/", 0) != 0) return true;
    return false;
}

// An s3 backup lists the blobs the bucket keeps: each must still be there, as big as it was.
Status checkKeptBlobs(blobs::BlobStore& blobs, const BackupManifest& manifest) {
    for (const auto& blob : manifest.blobs) {
        auto info = blobs.stat(blob.path);
        if (!info || info->size != blob.size) {
            return invalid("restore refused: the backup lists " + blob.path + " as kept in the " +
                           manifest.blobsPlugin + " store, and the store " +
                           (info ? "holds another size" : "does not have it"));
        }
    }
    return {};
}

Status putBlobs(blobs::BlobStore& blobs, const std::string& dir, const std::string& dataDir,
                const BackupManifest& manifest, std::ostream& progress) {
    const std::string tmpDir = dataDir + "/tmp/restore";
    std::error_code ec;
    fs::create_directories(tmpDir, ec);
    if (ec) return internalError("restore: cannot create " + tmpDir + ": " + ec.message());
    const std::string temp = tmpDir + "/blob.part";
    std::uint64_t done = 0;
    for (const auto& blob : manifest.blobs) {
        // Checked again while copied: the check above and this read are apart in time.
        OBSCURA_TRY(copied, digestFile(dir + "/blobs/" + blob.path, temp));
        if (copied.sha256 != blob.sha256 || copied.size != blob.size)
            return invalid("restore: blobs/" + blob.path + " changed since it was checked");
        if (auto put = blobs.put(blob.path, temp, {}); !put)
            return Error(put.error().code, "restore: " + blob.path + ": " + put.error().message);
        if (++done % 500 == 0) progress << "restore: " << done << " blobs restored" << std::endl;
    }
    fs::remove_all(tmpDir, ec);
    return {};
}

}  // namespace

Expected<std::string> verifyBackup(const Config& config, const std::string& dir) {
    OBSCURA_TRY(manifest, readAndCheck(config, dir));
    std::string text = "backup verify: " + dir + " is complete: the " + manifest.storagePlugin +
                       " database copy reads back, and " + std::to_string(manifest.blobs.size()) + " blobs ";
    text += manifest.blobsIncluded ? "match their size and SHA-256"
                                   : "are listed (kept in the " + manifest.blobsPlugin + " store, not in the backup)";
    if (!manifest.vanished.empty())
        text += "; " + std::to_string(manifest.vanished.size()) + " originals vanished while it was taken";
    return text + "\n";
}

Expected<std::string> restoreBackup(const Config& config, const std::string& dir, std::ostream& progress) {
    OBSCURA_TRY(manifest, readAndCheck(config, dir));
    const std::string plugin = config.getString("storage.plugin");
    if (plugin != manifest.storagePlugin) {
        return invalid("restore refused: the backup's database was taken with storage plugin '" +
                       manifest.storagePlugin + "', and storage.plugin is '" + plugin + "'");
    }
    std::error_code ec;
    const std::string dataDir = fs::absolute(config.getString("server.dataDir"), ec).lexically_normal().string();
    bool created = !fs::exists(dataDir, ec);
    if (!created && (!fs::is_directory(dataDir, ec) || !fs::is_empty(dataDir, ec))) {
        return invalid("restore refused: the data dir " + dataDir + " is not empty; restore into an empty data dir");
    }
    fs::create_directories(dataDir, ec);
    if (ec) return invalid("restore: cannot create the data dir " + dataDir + ": " + ec.message());

    const auto restore = [&]() -> Status {
        OBSCURA_TRY(blobs, openConfiguredBlobStore(config, dataDir, nullptr));
        if (manifest.blobsIncluded) {
            OBSCURA_TRY(holds, storeHoldsBlobs(*blobs));
            if (holds)
                return invalid("restore refused: the blob store (" + std::string(blobs->name()) + ") is not empty");
        } else {
            OBSCURA_TRY_STATUS(checkKeptBlobs(*blobs, manifest));
        }
        OBSCURA_TRY(storage, openCommandStorage(config, dataDir));
        progress << "restore: the backup checks out; restoring the database" << std::endl;
        OBSCURA_TRY_STATUS(storage->restoreFrom(dir + "/" + manifest.database.path));
        if (manifest.secret) {
            fs::copy_file(dir + "/secret", dataDir + "/secret", fs::copy_options::overwrite_existing, ec);
            if (ec) return internalError("restore: cannot write " + dataDir + "/secret: " + ec.message());
            fs::permissions(dataDir + "/secret", fs::perms::owner_read | fs::perms::owner_write, ec);
        }
        if (!manifest.blobsIncluded) return {};
        return putBlobs(*blobs, dir, dataDir, manifest, progress);
    };
    if (auto done = restore(); !done) {
        // Refusals come before any write; a failure after the first write leaves a part: remove what was made.
        removeWhatWasMade(dataDir, created);
        return done.error();
    }
    return "restore: done, " + dataDir + " holds the " + manifest.storagePlugin + " database of " + manifest.createdAt +
           " and " + std::to_string(manifest.blobs.size()) + " blobs" +
           (manifest.blobsIncluded ? ", each checked against its SHA-256" : " (kept in the store)") + "\n";
}

}  // namespace obscura

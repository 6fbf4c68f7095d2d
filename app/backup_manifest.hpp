#pragma once
// A backup directory's manifest.json (`obscura backup`, DESIGN §13): what the backup holds, each file and blob
// with its size and SHA-256. Written last, after everything it names is on disk and synced, so a directory
// without one is a backup cut short and is refused as such.
//
//     <dir>/manifest.json
//     <dir>/database/obscura.db      (sqlite: a database file)   or   database/obscura.dump (mysql: sql_dump.hpp)
//     <dir>/secret                   (the data dir's secret, when the server made one)
//     <dir>/blobs/<key>              (every blob, when the store is local; an s3 backup lists them only)
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "obscura/base/expected.hpp"

namespace obscura {

struct BackupFile {
    std::string path;  // relative to the backup dir (a blob: its key)
    std::uint64_t size = 0;
    std::string sha256;
};

struct BackupManifest {
    static constexpr int kFormat = 1;
    std::string obscuraVersion;
    std::string createdAt;      // RFC 3339
    std::string storagePlugin;  // "sqlite", "mysql": the plugin that reads the database copy back
    std::string blobsPlugin;    // "local", "s3"
    bool blobsIncluded = true;  // false: the manifest lists the blobs, the store keeps them (s3)
    BackupFile database;
    std::optional<BackupFile> secret;
    std::vector<BackupFile> blobs;  // path = the blob's key
    // Blobs the database copy names that were removed before they could be copied (their rows were deleted after
    // the snapshot): restored rows whose file fsck reports missing.
    std::vector<std::string> vanished;
};

inline constexpr const char* kManifestName = "manifest.json";

// Writes <dir>/manifest.json (through a temp file, renamed, synced).
Status writeManifest(const std::string& dir, const BackupManifest& manifest);
// Reads <dir>/manifest.json: Invalid when the directory is no complete backup or the manifest is malformed.
Expected<BackupManifest> readManifest(const std::string& dir);

// Undoes what a refused or failed backup or restore made of a directory that was absent or empty before: removed
// when `created`, else emptied again.
void removeWhatWasMade(const std::string& dir, bool created);

}  // namespace obscura

#pragma once
// Backup and restore (DESIGN §13): `obscura backup --to DIR`, `obscura backup verify DIR`, `obscura restore --from
// DIR`, and the scheduled backups of backup_schedule.hpp. The layout of a backup is backup_manifest.hpp's.
//
// Consistency while the server runs and uploads arrive. An upload puts its blob first and commits its row after
// (DESIGN §4), so every row in a snapshot of the database names a blob that is already stored. A backup therefore
// (1) copies the database as one snapshot (Storage::backupTo: SQLite's online backup, MySQL's consistent-snapshot
// dump), (2) reads from that same snapshot which originals and which assets' derivatives it names, then (3) copies
// exactly those blobs, plus users' own derived files (avatars) and direct uploads awaiting confirmation.
// Blobs written after the snapshot are left out, so the restored library has no file without a row. A blob the
// snapshot names but that is gone by step 3 (its asset was deleted meanwhile, and its removal job ran) is listed as
// "vanished" in the manifest; nothing else can be missing.
#include <cstdint>
#include <memory>
#include <ostream>
#include <string>

#include "obscura/base/expected.hpp"

namespace obscura {

class Clock;
class Config;
namespace storage {
class Storage;
}
namespace blobs {
class BlobStore;
}

struct BackupSummary {
    std::string dir;
    std::uint64_t blobs = 0;
    std::uint64_t bytes = 0;  // database copy and blobs
    std::uint64_t vanished = 0;
    std::string describe() const;
};

// Writes a backup of the live storage and blob store into dir, which must be absent or an empty directory (it is
// created). dataDir: where the server's secret file is (copied when there). On failure nothing is left: the
// directory is removed again (or emptied, when it was there before).
Expected<BackupSummary> writeBackup(storage::Storage& storage, blobs::BlobStore& blobs, const std::string& dir,
                                    const std::string& dataDir, const Clock& clock);

// The configured storage (storage.plugin, database.*) on dataDir with a small pool, for a command beside the server:
// nothing is migrated.
Expected<std::unique_ptr<storage::Storage>> openCommandStorage(const Config& config, const std::string& dataDir);

// Checks a backup without restoring it: the manifest, every file's size and SHA-256 (no file missing, none extra),
// and the database copy read through its storage plugin (storage.pluginDir from config). Answers a summary.
Expected<std::string> verifyBackup(const Config& config, const std::string& dir);

// Restores a backup into the configured (empty) database, data dir and blob store. Everything is checked first;
// a damaged backup, or a target holding anything, is refused with nothing changed.
Expected<std::string> restoreBackup(const Config& config, const std::string& dir, std::ostream& progress);

}  // namespace obscura

#pragma once
// `obscura fsck [--repair [--reimport]]` (DESIGN.md section 4): the library's blobs against the assets' rows,
// through the blob store (any plugin: local folders or a bucket).
//
// A write goes file first, row second, so a crash between the two leaves a library file without a row — an
// orphan. Another replica may be committing exactly such a file right now, so nothing acts on an orphan
// younger than an hour, and start-up only counts them (countOrphans). --repair moves older orphans to
// lost+found/ in the store (their key below library/ kept), or with --reimport makes them assets again of the
// user whose folder they are in; it marks rows whose file is gone (fileMissing) and clears the mark when the
// file is back. Orphans of assets or users being deleted (a removal job is pending, or the user is gone) are
// left to that removal: repairing them would bring deleted photos back.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "obscura/base/expected.hpp"

namespace obscura {
class Clock;
}
namespace obscura::storage {
class Storage;
}
namespace obscura::blobs {
class BlobStore;
}

namespace obscura::images {

struct FsckOptions {
    bool repair = false;
    bool reimport = false;  // with repair: orphans become assets instead of going to lost+found
    std::chrono::seconds settle = std::chrono::hours(1);  // orphans younger than this are never touched
};

struct FsckReport {
    struct Orphan {
        std::string path;  // relative to the data dir: "library/<owner>/…"
        std::int64_t ageSeconds = 0;
        std::string action;  // what --repair did or why it did nothing; "" without --repair
    };
    struct RowProblem {
        std::string assetId;
        std::string ownerId;
        std::string path;
        std::string problem;  // "file missing", "file back", "size differs: row 10, file 12"
        std::string action;
    };
    std::int64_t filesScanned = 0;
    std::int64_t rowsScanned = 0;
    std::vector<Orphan> orphans;
    std::vector<RowProblem> rows;
    int repairFailures = 0;

    bool clean() const { return orphans.empty() && rows.empty(); }
};

// tmpDir: absolute, on the data dir's file system (copies of blobs for ffprobe and for lost+found).
Expected<FsckReport> runFsck(storage::Storage& storage, blobs::BlobStore& blobs, const std::string& tmpDir,
                             const FsckOptions& options, const Clock& clock);

// The report as lines of text for a terminal.
std::string describeFsck(const FsckReport& report, const FsckOptions& options);

// Start-up: library files without a row, only counted (never moved). Stops early, answering what it counted
// so far, once `stop` becomes true.
Expected<std::int64_t> countOrphans(storage::Storage& storage, blobs::BlobStore& blobs, const std::atomic<bool>& stop);

}  // namespace obscura::images

#include "library/orphan_census.hpp"

#include "obscura/images/library_fsck.hpp"
#include "obscura/kernel/log.hpp"

namespace obscura::images {

void OrphanCensus::start() {
    if (thread_.joinable()) return;
    stop_ = false;
    thread_ = std::thread([this] { run(); });
}

void OrphanCensus::stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
}

void OrphanCensus::run() {
    auto counted = countOrphans(storage_, blobs_, stop_);
    if (stop_) return;
    if (!counted) {
        log::warn("images: could not check the library for files without a row: " + counted.error().message);
        return;
    }
    if (*counted == 0) {
        log::info("images: library check: every library file has its row");
        return;
    }
    // Not an error by itself: a crash between a file's rename and its row, or another replica committing now.
    log::warn("images: library check: " + std::to_string(*counted) +
              " library file(s) have no database row; they are left in place. `obscura fsck` lists them and "
              "`obscura fsck --repair` moves those older than an hour to lost+found");
}

}  // namespace obscura::images

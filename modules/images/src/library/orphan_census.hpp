#pragma once
// Start-up's look at the library (DESIGN.md section 4): library blobs without a row are counted — in the
// background, so a large library does not delay readiness — and reported in one log line. Never moved or
// deleted: another replica may be about to commit the row. `obscura fsck` lists and repairs them.
#include <atomic>
#include <string>
#include <thread>

namespace obscura::storage {
class Storage;
}
namespace obscura::blobs {
class BlobStore;
}

namespace obscura::images {

class OrphanCensus {
public:
    OrphanCensus(storage::Storage& storage, blobs::BlobStore& blobs) : storage_(storage), blobs_(blobs) {}
    ~OrphanCensus() { stop(); }
    OrphanCensus(const OrphanCensus&) = delete;
    OrphanCensus& operator=(const OrphanCensus&) = delete;

    void start();
    // Interrupts a count in progress and waits for it. Idempotent.
    void stop();

private:
    void run();

    storage::Storage& storage_;
    blobs::BlobStore& blobs_;
    std::atomic<bool> stop_{false};
    std::thread thread_;
};

}  // namespace obscura::images

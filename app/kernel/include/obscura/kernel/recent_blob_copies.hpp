#pragma once
// Local copies of originals this process has just put into a remote store (s3). The media jobs that follow an
// upload want the original as a file (libvips, ffmpeg); without a copy they would fetch back from the store the
// very bytes the server held a moment earlier — a GET of the whole original per photo, most of what s3 added to
// the end-to-end thumbnail time (issue 18). A copy is a hard link to the upload's own temp file (no byte is copied
// or written), kept for a few minutes within a byte budget; BlobFile::open takes it when it is there and reads the
// store otherwise (another replica, an older upload, a copy evicted).
//
// Only keys that are never rewritten are kept (an original's key names its asset), and only from puts this process
// made, so a copy cannot be stale; a remove through this process drops it anyway.
#include <chrono>
#include <cstdint>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace obscura {

namespace blobs {
class BlobStore;
}

class RecentBlobCopies {
public:
    // The process's one set (the upload path and the media jobs meet here without knowing each other).
    static RecentBlobCopies& instance();

    // maxBytes 0 turns keeping off (the default until configured: tests and tools that never call this keep
    // nothing). tmpDir is the data dir's tmp/: copies live there as "recent-*" links, and links older than maxAge
    // left by an earlier process are removed now.
    void configure(std::uint64_t maxBytes, std::chrono::seconds maxAge, const std::string& tmpDir);

    // Before a put consumes `sourcePath`: a hard link beside it, or nullopt when keeping is off, the file is larger
    // than half the budget, or the link fails (another filesystem: nothing is kept, nothing fails).
    std::optional<std::string> link(const std::string& sourcePath, std::uint64_t size);
    // After the put succeeded: `linkPath` (from link()) now holds `key` of `store`. Evicts the oldest copies
    // beyond the budget or age.
    void keep(const blobs::BlobStore& store, std::string_view key, const std::string& linkPath, std::uint64_t size);
    // The put failed: the link goes.
    void discard(const std::string& linkPath);

    // A private hard link (named by the caller: "<tmpDir>/blob-….copy") to the copy of `key`, so eviction cannot
    // pull the file from under its reader; false when there is no copy (or it vanished).
    bool linkCopyTo(const blobs::BlobStore& store, std::string_view key, const std::string& target);
    // The key's object was removed or replaced in the store.
    void forget(const blobs::BlobStore& store, std::string_view key);

    std::uint64_t bytesKept() const;

private:
    struct Copy {
        std::string id;  // store address + key
        std::string path;
        std::uint64_t size = 0;
        std::chrono::steady_clock::time_point keptAt;
    };
    static std::string idOf(const blobs::BlobStore& store, std::string_view key);
    void evictLocked(std::chrono::steady_clock::time_point now);
    void dropLocked(std::list<Copy>::iterator it);

    mutable std::mutex mutex_;
    std::uint64_t maxBytes_ = 0;
    std::chrono::seconds maxAge_{600};
    std::uint64_t bytes_ = 0;
    std::list<Copy> copies_;  // oldest first
    std::unordered_map<std::string, std::list<Copy>::iterator> byId_;
};

}  // namespace obscura

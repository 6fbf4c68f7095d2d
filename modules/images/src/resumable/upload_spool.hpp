#pragma once
// Where a resumable upload's bytes wait between requests: one file per upload, <dataDir>/uploads/<id>.part, on
// the data dir's file system so that the last byte's import renames it into the library without a copy, and
// outside tmp/ (which start-up empties) so an upload survives a restart. Replicas that share the data dir share
// the spool. Appends write at the offset the database holds (pwrite), so bytes of a PATCH that never committed
// are cut (appendAt's trim) before the next one writes; the file is synced before its new offset is reported.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "obscura/base/expected.hpp"
#include "upload/durability_ops.hpp"

namespace obscura::images {

class BackgroundQueue;

// Writes one request's bytes into an upload's file from a given offset. Move-only; closes its descriptor.
class SpoolAppender {
public:
    // early: the thread on which the bytes are synced (with `ops`) as they arrive; null: only by sync().
    SpoolAppender(int fd, std::int64_t offset, BackgroundQueue* early = nullptr, DurabilityOps* ops = nullptr)
        : fd_(fd), offset_(offset), early_(early), earlyOps_(ops) {}
    SpoolAppender(SpoolAppender&& other) noexcept;
    SpoolAppender& operator=(SpoolAppender&&) = delete;
    ~SpoolAppender();

    Status write(std::string_view bytes);
    // fdatasync: the bytes written so far (and the file's size) are durable once this succeeds.
    Status sync(DurabilityOps& ops);
    std::int64_t written() const { return written_; }

private:
    int fd_ = -1;
    std::int64_t offset_ = 0;
    std::int64_t written_ = 0;
    std::int64_t writeBackStarted_ = 0;  // bytes of this append whose write-back has been started
    BackgroundQueue* early_ = nullptr;
    DurabilityOps* earlyOps_ = nullptr;
    std::int64_t earlySyncAsked_ = 0;  // bytes of this append covered by an early sync handed over
    struct EarlyState {
        std::atomic<bool> busy{false};  // an early sync of this append is queued or running
        std::atomic<int> error{0};      // the first one that failed (errno): sync() reports it
    };
    std::shared_ptr<EarlyState> earlyState_;

    void syncEarly();
};

class UploadSpool {
public:
    // dir: <dataDir>/uploads, created when missing.
    explicit UploadSpool(std::string dir, DurabilityOps& ops = DurabilityOps::system());
    UploadSpool(UploadSpool&&) noexcept;
    ~UploadSpool();

    // id: a UUID (checked: it becomes a file name).
    std::string path(const std::string& id) const;
    // An empty file for a new upload, its name durable.
    Status create(const std::string& id);
    // durableCopy: the spool is the upload's durable copy (blobs local): bytes past `offset` are cut and the cut
    // made durable first, and the bytes are synced early as they arrive; the blob store's tail copy need neither.
    Expected<SpoolAppender> appendAt(const std::string& id, std::int64_t offset, bool durableCopy = false);
    // The file's size; NotFound "upload_gone" when there is none.
    Expected<std::int64_t> size(const std::string& id) const;
    // An empty file, whether or not one was there (a blob store that keeps parts: the spool is this replica's
    // copy of the upload's tail only, not the durable one — its name need not be durable).
    Status reset(const std::string& id);
    // Cuts the file to the bytes that count (before an import: a failed PATCH may have left more).
    Status truncate(const std::string& id, std::int64_t length);
    // Removes the file; a missing one is fine.
    void remove(const std::string& id) noexcept;
    // Removes spool files not written for `age` (a live upload's is written at every append and expires after a
    // day untouched): what an owner's deletion left behind with its rows gone. Answers how many.
    int removeStale(std::chrono::seconds age) noexcept;
    DurabilityOps& ops() { return *ops_; }

private:
    std::string dir_;
    DurabilityOps* ops_;
    std::unique_ptr<BackgroundQueue> early_;  // one thread for the appenders' early syncs
};

}  // namespace obscura::images

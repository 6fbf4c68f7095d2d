#include "resumable/upload_spool.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>

#include "obscura/base/ids.hpp"
#include "resumable/background_queue.hpp"

namespace obscura::images {

namespace {

// Write-back is started every this many bytes (sync_file_range, asynchronous), so the sync that must come before
// an offset is reported waits for the last window only, not for the whole chunk: with 8 MiB PATCHes the disk
// writes overlap the network reads as they do for POST /api/assets (upload_temp_file.cpp). Smaller than the
// POST's window because a PATCH waits for its last window before every answer, not once per file: 256 KiB cut
// that wait by a third against 1 MiB (bench/RESULTS.md, issue 20), for 4 calls per MiB instead of 1.
constexpr std::int64_t kWriteBackWindow = 256 << 10;

// An fdatasync is handed to the spool's own thread every this many bytes while a PATCH's body still arrives. On
// a disk with a write cache (a VM's virtio disk here) the sync that must come before the answer costs about
// 1.4 ms per MiB written since the last one — 11-15 ms for an 8 MiB PATCH even with the write-back above, during
// which the client waits and sends nothing. Synced as it arrives, the last sync covers about the last window, and
// the rest of the flushing overlaps the network reads. 512 KiB measured best end to end on an idle machine (tus at
// 0.89-0.95x a POST, against 0.79x for 1 MiB and 0.84x for 256 KiB in the same sitting; bench/RESULTS.md, issue 20
// fourth pass). Only a head start: the answer still waits for sync().
constexpr std::int64_t kEarlySyncWindow = 512 << 10;

Error spoolError(int err, const std::string& what) {
    if (err == ENOSPC || err == EDQUOT) {
        return unavailable("the server's storage is full (" + std::string(std::strerror(err)) + "); retry later");
    }
    return internalError(what + ": " + std::strerror(err));
}

}  // namespace

SpoolAppender::SpoolAppender(SpoolAppender&& other) noexcept
    : fd_(other.fd_),
      offset_(other.offset_),
      written_(other.written_),
      writeBackStarted_(other.writeBackStarted_),
      early_(other.early_),
      earlyOps_(other.earlyOps_),
      earlySyncAsked_(other.earlySyncAsked_),
      earlyState_(std::move(other.earlyState_)) {
    other.fd_ = -1;
}

SpoolAppender::~SpoolAppender() {
    if (fd_ >= 0) ::close(fd_);
}

Status SpoolAppender::write(std::string_view bytes) {
    while (!bytes.empty()) {
        ssize_t n = ::pwrite(fd_, bytes.data(), bytes.size(), static_cast<off_t>(offset_ + written_));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return spoolError(n < 0 ? errno : EIO, "writing the upload failed");
        written_ += n;
        bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    if (written_ - writeBackStarted_ >= kWriteBackWindow) {
        // Only a hint: where unsupported it fails and sync() does all the work, as it would anyway.
        ::sync_file_range(fd_, static_cast<off_t>(offset_ + writeBackStarted_),
                          static_cast<off_t>(written_ - writeBackStarted_), SYNC_FILE_RANGE_WRITE);
        writeBackStarted_ = written_;
    }
    if (early_ != nullptr && earlyOps_ != nullptr && written_ - earlySyncAsked_ >= kEarlySyncWindow) syncEarly();
    return {};
}

void SpoolAppender::syncEarly() {
    if (!earlyState_) earlyState_ = std::make_shared<EarlyState>();
    if (earlyState_->busy.exchange(true)) return;  // one at a time per append: the next one covers these bytes too
    // The queue's thread gets a descriptor of its own: this appender may close its own before the sync runs.
    int fd = ::fcntl(fd_, F_DUPFD_CLOEXEC, 0);
    if (fd < 0) {
        earlyState_->busy.store(false);
        return;  // only a head start: sync() does the work
    }
    earlySyncAsked_ = written_;
    early_->post([fd, ops = earlyOps_, state = earlyState_] {
        // A duplicate shares the file description, and Linux reports a write-back error once per description:
        // what this sync sees, sync() would not see again — so it is kept for sync() to report.
        if (int rc = ops->syncFileData(fd)) {
            int none = 0;
            state->error.compare_exchange_strong(none, rc);
        }
        ::close(fd);
        state->busy.store(false);
        state->busy.notify_all();
    });
}

Status SpoolAppender::sync(DurabilityOps& ops) {
    // fdatasync: the bytes and the file's size (what the offset stands for), without a journal entry for the
    // timestamps.
    int rc = ops.syncFileData(fd_);
    if (rc == 0 && earlyState_) {
        // An early sync still running may be the one Linux tells about an error (see syncEarly): wait for it.
        earlyState_->busy.wait(true);
        rc = earlyState_->error.load();
    }
    if (rc != 0) return spoolError(rc, "fsync of the upload failed");
    return {};
}

UploadSpool::UploadSpool(std::string dir, DurabilityOps& ops)
    : dir_(std::move(dir)), ops_(&ops), early_(std::make_unique<BackgroundQueue>()) {
    ops_->makeDirectory(dir_);  // EEXIST is fine; any other failure shows at the first create()
    early_->start();
}

UploadSpool::UploadSpool(UploadSpool&&) noexcept = default;

UploadSpool::~UploadSpool() = default;  // the queue runs what was handed over, then joins

std::string UploadSpool::path(const std::string& id) const { return dir_ + "/" + id + ".part"; }

Status UploadSpool::create(const std::string& id) {
    if (!isUuid(id)) return internalError("an upload id must be a UUID");
    const std::string file = path(id);
    int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) return spoolError(errno, "cannot create " + file);
    ::close(fd);
    if (int rc = ops_->fsyncDirectory(dir_)) {
        ops_->removeFile(file);
        return spoolError(rc, "fsync of " + dir_ + " failed");
    }
    return {};
}

Expected<std::int64_t> UploadSpool::size(const std::string& id) const {
    if (!isUuid(id)) return internalError("an upload id must be a UUID");
    struct stat st {};
    if (::stat(path(id).c_str(), &st) != 0) {
        if (errno == ENOENT)
            return Error(ErrorCode::NotFound, "the upload's bytes are gone; start it again", "upload_gone");
        return spoolError(errno, "cannot stat " + path(id));
    }
    return static_cast<std::int64_t>(st.st_size);
}

Expected<SpoolAppender> UploadSpool::appendAt(const std::string& id, std::int64_t offset, bool durableCopy) {
    if (!isUuid(id)) return internalError("an upload id must be a UUID");
    const std::string file = path(id);
    int fd = ::open(file.c_str(), O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT)
            return Error(ErrorCode::NotFound, "the upload's bytes are gone; start it again", "upload_gone");
        return spoolError(errno, "cannot open " + file);
    }
    struct stat st {};
    if (::fstat(fd, &st) != 0 || st.st_size < offset) {
        ::close(fd);
        // The database says more bytes arrived than the file holds: the spool was lost (another data dir, a
        // restore). Nothing can resume this upload.
        return Error(ErrorCode::NotFound, "the upload's bytes are gone; start it again", "upload_gone");
    }
    if (durableCopy && st.st_size > offset) {
        // Bytes past the offset (a PATCH that failed or never committed) go, durably, before anything is written:
        // from here this append only extends the file, so after a power loss its size never covers bytes that
        // did not reach the disk (resumable_service.cpp: the offset's commit runs beside the bytes' sync).
        int rc = ::ftruncate(fd, static_cast<off_t>(offset)) == 0 ? ops_->syncFileData(fd) : errno;
        if (rc != 0) {
            ::close(fd);
            return spoolError(rc, "cannot cut the upload back to its offset");
        }
    }
    if (!durableCopy) return SpoolAppender(fd, offset);
    return SpoolAppender(fd, offset, early_.get(), ops_);
}

Status UploadSpool::reset(const std::string& id) {
    if (!isUuid(id)) return internalError("an upload id must be a UUID");
    const std::string file = path(id);
    int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) return spoolError(errno, "cannot create " + file);
    ::close(fd);
    return {};
}

Status UploadSpool::truncate(const std::string& id, std::int64_t length) {
    if (::truncate(path(id).c_str(), static_cast<off_t>(length)) != 0) {
        return spoolError(errno, "cannot truncate the upload");
    }
    return {};
}

int UploadSpool::removeStale(std::chrono::seconds age) noexcept {
    DIR* dir = ::opendir(dir_.c_str());
    if (dir == nullptr) return 0;
    const std::time_t cutoff = std::time(nullptr) - static_cast<std::time_t>(age.count());
    int removed = 0;
    while (const dirent* entry = ::readdir(dir)) {
        const std::string name = entry->d_name;
        if (name == "." || name == "..") continue;
        struct stat st {};
        const std::string file = dir_ + "/" + name;
        if (::lstat(file.c_str(), &st) != 0 || !S_ISREG(st.st_mode) || st.st_mtime >= cutoff) continue;
        if (ops_->removeFile(file) == 0) ++removed;
    }
    ::closedir(dir);
    return removed;
}

void UploadSpool::remove(const std::string& id) noexcept {
    if (isUuid(id)) ops_->removeFile(path(id));
}

}  // namespace obscura::images

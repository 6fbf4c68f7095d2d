// The end of a resumable upload (resumable_service.hpp): the import of its last byte (and its retry after a
// failure that passes), termination, expiry, a deleted owner's bytes, and the running hashes.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <nlohmann/json.hpp>

#include "obscura/base/clock.hpp"
#include "obscura/base/ids.hpp"
#include "obscura/formats/content_sniffer.hpp"
#include "obscura/images/media_types.hpp"
#include "obscura/kernel/blob_files.hpp"
#include "obscura/kernel/job_queue.hpp"
#include "obscura/kernel/log.hpp"
#include "obscura/kernel/storage_calls.hpp"
#include "obscura/storage/storage.hpp"
#include "resumable/resumable_service.hpp"
#include "resumable/resumable_sink.hpp"
#include "upload/upload_routes.hpp"

namespace obscura::images {

namespace {

constexpr std::size_t kMaxRunningHashes = 1024;
constexpr int kSweepBatch = 100;

UploadMetadata metadataFromJson(const std::string& text) {
    UploadMetadata out;
    auto parsed = nlohmann::json::parse(text, nullptr, false);
    if (!parsed.is_object()) return out;
    for (const auto& [key, value] : parsed.items()) {
        if (value.is_string()) out.emplace_back(key, value.get<std::string>());
    }
    return out;
}

// The first bytes of a file, for the sniffer.
Expected<std::string> readHead(const std::string& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) return internalError("cannot open " + path);
    std::string head(formats::kSniffBytes, '\0');
    ssize_t n = ::pread(fd, head.data(), head.size(), 0);
    ::close(fd);
    if (n < 0) return internalError("cannot read " + path);
    head.resize(static_cast<std::size_t>(n));
    return head;
}

// A failure that passes: the database or the blob store is down or busy. The client's retry finds the bytes.
bool retryable(const Error& error) { return error.code == ErrorCode::Unavailable; }

}  // namespace

Expected<UploadTempFile> ResumableService::completeFile(storage::UploadRecord& upload,
                                                        std::optional<formats::Sha1Digest> digest) {
    if (!remote_) {
        OBSCURA_TRY_STATUS(spool_.truncate(upload.id, *upload.length));
        // The import consumes what it is given (moved into the library, or removed on failure): it gets a second
        // name of the spool file, so a failure that passes leaves the spool for the retry. Same file system: free.
        const std::string link = spool_.path(upload.id) + ".import";
        (void)::unlink(link.c_str());
        if (::link(spool_.path(upload.id).c_str(), link.c_str()) != 0)
            return internalError("cannot link the upload's spool file for its import");
        return UploadTempFile::adopt(link, digest);
    }
    OBSCURA_TRY_STATUS(remote_->complete(upload, partsFromJson(upload.partsJson)));
    // One read front to back into a temp file, hashed as it is written, as the direct upload's confirm does: the
    // import reads a file (sniffing, EXIF, ffprobe) and puts it under its key.
    OBSCURA_TRY(file, UploadTempFile::create(deps_.tmpDir));
    OBSCURA_TRY_STATUS(readBlob(deps_.blobs, partsObjectKey(upload.id), {},
                                [&](std::string_view chunk) { return file.write(chunk); }));
    if (file.size() != static_cast<std::uint64_t>(*upload.length))
        return internalError("the upload's parts do not add up to its length");
    return file;
}

Expected<AppendResult> ResumableService::importUpload(storage::UploadRecord upload,
                                                      std::optional<formats::Sha1Digest> digest) {
    auto fail = [&](Error error) -> Error {
        std::string state = "failed";
        if (retryable(error)) {
            // Back to open at its full length, bytes kept: a retried PATCH or a HEAD imports it again.
            state = "open";
        } else {
            (void)dropBytes(upload);
        }
        auto finished = withRepos(deps_.storage, [&](storage::Repositories& repos) {
            return repos.uploads().finishUpload(upload.id, state, std::nullopt, error.message, expiryFromNow());
        });
        if (!finished)
            log::warn("uploads: cannot record the failure of " + upload.id + ": " + finished.error().message);
        return error;
    };
    auto fields = readResumableFields(metadataFromJson(upload.metadataJson));
    if (!fields) return fail(std::move(fields).error());
    auto file = completeFile(upload, digest);
    if (!file) return fail(std::move(file).error());
    auto head = readHead(file->path());
    if (!head) return fail(std::move(head).error());
    auto type = sniffMediaType(*head);
    if (!type) return fail(std::move(type).error());
    const std::string name = fields->fileName.empty() ? "upload" : fields->fileName;
    auto imported = importCompleteFile(deps_, upload.ownerId, std::move(*file), **type, name, fields->fields);
    if (!imported) return fail(std::move(imported).error());
    upload.state = "done";
    upload.assetId = imported->asset.id;
    OBSCURA_TRY_STATUS(withRepos(deps_.storage, [&](storage::Repositories& repos) {
        return repos.uploads().finishUpload(upload.id, "done", upload.assetId, "", expiryFromNow());
    }));
    // The asset has the bytes now: what held them goes (a failure here leaves them to the expiry sweep).
    if (auto dropped = dropBytes(upload); !dropped)
        log::warn("uploads: cannot drop the bytes of " + upload.id + ": " + dropped.error().message);
    return AppendResult{std::move(upload), true};
}

Expected<storage::UploadRecord> ResumableService::importIfComplete(const std::string& userId,
                                                                   storage::UploadRecord upload) {
    if (upload.state != "open" || !upload.length || upload.offset != *upload.length) return upload;
    // An empty append at the full length: the same path as the PATCH that delivered the last byte.
    auto sink = beginAppend(userId, upload.id, upload.offset, 0, std::nullopt);
    if (!sink) {
        if (sink.error().reason == "upload_locked") return upload;  // someone is importing it right now
        return std::move(sink).error();
    }
    OBSCURA_TRY(appended, finishAppend(**sink));
    return std::move(appended.upload);
}

Status ResumableService::dropBytes(const storage::UploadRecord& upload) noexcept {
    (void)::unlink((spool_.path(upload.id) + ".import").c_str());
    {
        std::lock_guard lock(hashesMutex_);
        hashes_.erase(upload.id);
    }
    {
        std::lock_guard lock(keptMutex_);
        kept_.erase(upload.id);
    }
    if (remote_) return remote_->drop(upload);
    spool_.remove(upload.id);
    return {};
}

Status ResumableService::noteUploadsOf(storage::Repositories& tx, const std::string& userId) {
    OBSCURA_TRY(uploads, tx.uploads().listUploadsOf(userId));
    std::lock_guard lock(notedMutex_);
    if (uploads.empty() || (noted_.size() >= kMaxRunningHashes && !noted_.count(userId))) {
        noted_.erase(userId);
        return {};  // nothing to drop; or past the bound, where the sweeper's orphan pass takes the spool files
    }
    noted_.insert_or_assign(userId, std::move(uploads));
    return {};
}

void ResumableService::dropNotedUploadsOf(const std::string& userId) noexcept {
    std::vector<storage::UploadRecord> uploads;
    {
        std::lock_guard lock(notedMutex_);
        auto it = noted_.find(userId);
        if (it == noted_.end()) return;
        uploads = std::move(it->second);
        noted_.erase(it);
    }
    for (const auto& upload : uploads) {
        if (auto dropped = dropBytes(upload); !dropped)
            log::warn("uploads: cannot drop the bytes of " + upload.id + ": " + dropped.error().message);
    }
}

Status ResumableService::terminate(const std::string& userId, const std::string& id) {
    OBSCURA_TRY(upload, find(userId, id));
    OBSCURA_TRY(deleted, withRepos(deps_.storage, [&](storage::Repositories& repos) {
                    return repos.uploads().deleteUpload(userId, id);
                }));
    if (!deleted) return notFound("no such upload");
    if (auto dropped = dropBytes(upload); !dropped)
        log::warn("uploads: cannot drop the bytes of " + id + ": " + dropped.error().message);
    return {};
}

Expected<int> ResumableService::sweep() {
    OBSCURA_TRY(expired, withRepos(deps_.storage, [&](storage::Repositories& repos) {
                    return repos.uploads().listExpiredUploads(deps_.jobs.clock().nowUs(), kSweepBatch);
                }));
    int count = 0;
    for (const auto& upload : expired) {
        // Bytes first: a crash between the two leaves a row whose PATCH answers 404 upload_gone, never bytes
        // nobody would ever remove. A store that cannot drop them now keeps the row for the next sweep.
        OBSCURA_TRY_STATUS(dropBytes(upload));
        OBSCURA_TRY_STATUS(withRepos(
            deps_.storage, [&](storage::Repositories& repos) { return repos.uploads().removeUpload(upload.id); }));
        ++count;
    }
    return count;
}
std::optional<formats::Sha1> ResumableService::takeRunningHash(const std::string& id, std::int64_t offset) {
    std::lock_guard lock(hashesMutex_);
    auto it = hashes_.find(id);
    if (it == hashes_.end()) {
        if (offset != 0) return std::nullopt;
        auto fresh = formats::Sha1::create();
        if (!fresh) return std::nullopt;
        return std::move(*fresh);
    }
    std::optional<formats::Sha1> out;
    if (it->second.offset == offset) out = std::move(it->second.sha);
    hashes_.erase(it);
    return out;
}

void ResumableService::putRunningHash(const std::string& id, std::int64_t offset, formats::Sha1 sha) {
    std::lock_guard lock(hashesMutex_);
    // Bounded: past the cap an upload simply gets its hash by reading its file at the end.
    if (hashes_.size() >= kMaxRunningHashes && !hashes_.count(id)) return;
    hashes_.insert_or_assign(id, RunningHash{offset, std::move(sha)});
}

void ResumableService::start() {
    background_.start();
    std::lock_guard lock(sweepMutex_);
    if (sweeper_.joinable()) return;
    stopping_ = false;
    sweeper_ = std::thread([this] { runSweeper(); });
}

void ResumableService::stop() {
    {
        std::lock_guard lock(sweepMutex_);
        stopping_ = true;
    }
    sweepWake_.notify_all();
    if (sweeper_.joinable()) sweeper_.join();
    background_.stop();
}

void ResumableService::runSweeper() {
    std::unique_lock lock(sweepMutex_);
    while (!stopping_) {
        lock.unlock();
        if (auto swept = sweep(); !swept) log::warn("uploads: sweeping failed: " + swept.error().message);
        // Orphans: spool files whose rows went with their owner (twice the lifetime: surely no upload's any more).
        if (int stale = spool_.removeStale(2 * kUploadLifetime); stale > 0)
            log::info("uploads: removed " + std::to_string(stale) + " orphaned spool file(s)");
        lock.lock();
        sweepWake_.wait_for(lock, kSweepInterval, [this] { return stopping_; });
    }
}

}  // namespace obscura::images

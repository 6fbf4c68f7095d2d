#include "resumable/resumable_service.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "access/access_service.hpp"
#include "access/album_grant.hpp"
#include "obscura/base/clock.hpp"
#include "obscura/base/ids.hpp"
#include "obscura/base/rfc3339.hpp"
#include "obscura/formats/content_sniffer.hpp"
#include "obscura/images/media_types.hpp"
#include "obscura/kernel/circuit_registry.hpp"
#include "obscura/kernel/job_queue.hpp"
#include "obscura/kernel/log.hpp"
#include "obscura/kernel/storage_calls.hpp"
#include "obscura/storage/storage.hpp"
#include "resumable/resumable_sink.hpp"
#include "upload/upload_routes.hpp"

namespace obscura::images {

namespace {

constexpr std::size_t kMaxRunningHashes = 1024;
constexpr int kSweepBatch = 100;

std::int64_t micros(std::chrono::microseconds d) { return d.count(); }

std::string metadataJson(const UploadMetadata& metadata) {
    nlohmann::json object = nlohmann::json::object();
    for (const auto& [key, value] : metadata) object[key] = value;
    return object.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

UploadMetadata metadataFromJson(const std::string& text) {
    UploadMetadata out;
    auto parsed = nlohmann::json::parse(text, nullptr, false);
    if (!parsed.is_object()) return out;
    for (const auto& [key, value] : parsed.items()) {
        if (value.is_string()) out.emplace_back(key, value.get<std::string>());
    }
    return out;
}

// The first bytes of the spool file, for the sniffer.
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

}  // namespace

ResumableService::ResumableService(UploadDeps& deps, std::string spoolDir, std::uint64_t maxUploadBytes)
    : deps_(deps), spool_(std::move(spoolDir)), maxUploadBytes_(maxUploadBytes) {}

ResumableService::~ResumableService() { stop(); }

std::int64_t ResumableService::expiryFromNow() const {
    return deps_.jobs.clock().nowUs() + micros(std::chrono::duration_cast<std::chrono::microseconds>(kUploadLifetime));
}

Expected<storage::UploadRecord> ResumableService::create(const std::string& userId, NewUpload upload) {
    // While the blob store's circuit is open nothing is taken in that could not be stored at the end (503 +
    // Retry-After), as for POST /api/assets.
    OBSCURA_TRY_STATUS(failFastWhenOpen(deps_.storeCircuit));
    if (upload.length) {
        if (*upload.length == 0) return badRequest("an empty file cannot be uploaded (Upload-Length is 0)");
        if (static_cast<std::uint64_t>(*upload.length) > maxUploadBytes_) {
            return Error(ErrorCode::PayloadTooLarge, "Upload-Length " + std::to_string(*upload.length) +
                                                         " is above the server's limit of " +
                                                         std::to_string(maxUploadBytes_) + " bytes");
        }
    }
    OBSCURA_TRY(fields, readResumableFields(upload.metadata));
    if (fields.fields.albumId) {
        OBSCURA_TRY(album, AccessService(deps_.storage).visibleAlbum(userId, *fields.fields.albumId));
        OBSCURA_TRY_STATUS(requireEditor(album));
    }
    if (auto swept = sweep(); !swept) log::warn("uploads: sweeping failed: " + swept.error().message);

    const std::int64_t nowUs = deps_.jobs.clock().nowUs();
    storage::UploadRecord record;
    record.id = newUuid();
    record.ownerId = userId;
    record.length = upload.length;
    record.metadataJson = metadataJson(upload.metadata);
    record.createdAtUs = nowUs;
    record.createdAt = formatRfc3339(nowUs);
    record.expiresAtUs = expiryFromNow();
    if (fields.checksum) {
        // Duplicates before bytes: the caller has these bytes already. The upload is born finished.
        OBSCURA_TRY(existing, withRepos(deps_.storage, [&](storage::Repositories& repos) {
                        return repos.images().findAssetByChecksum(userId, *fields.checksum);
                    }));
        if (existing) {
            record.state = "done";
            record.assetId = existing->id;
            record.offset = upload.length.value_or(existing->sizeBytes);
            record.length = record.offset;
            OBSCURA_TRY_STATUS(deps_.storage.run([&](storage::Repositories& repos) -> Status {
                OBSCURA_TRY_STATUS(repos.uploads().createUpload(record));
                // A duplicate joins the album too, as with POST /api/assets: that is what the client asked for.
                if (fields.fields.albumId) {
                    auto added = repos.albumSharing().addOwnAssets(userId, *fields.fields.albumId, {existing->id},
                                                                   nowUs, record.createdAt);
                    if (!added && added.error().code != ErrorCode::NotFound) return std::move(added).error();
                }
                return {};
            }));
            return record;
        }
    }
    OBSCURA_TRY(remaining, remainingQuota(deps_, userId, upload.length, 0));
    (void)remaining;
    OBSCURA_TRY_STATUS(spool_.create(record.id));
    auto created =
        withRepos(deps_.storage, [&](storage::Repositories& repos) { return repos.uploads().createUpload(record); });
    if (!created) {
        spool_.remove(record.id);
        return std::move(created).error();
    }
    return record;
}

Expected<storage::UploadRecord> ResumableService::find(const std::string& userId, const std::string& id) {
    if (!isUuid(id)) return notFound("no such upload");
    OBSCURA_TRY(found, withRepos(deps_.storage,
                                 [&](storage::Repositories& repos) { return repos.uploads().findUpload(userId, id); }));
    if (!found) return notFound("no such upload");
    // Expired but not swept yet: as good as gone.
    if (found->expiresAtUs < deps_.jobs.clock().nowUs()) return notFound("the upload expired");
    return std::move(*found);
}

Expected<std::shared_ptr<ResumableSink>> ResumableService::beginAppend(const std::string& userId, const std::string& id,
                                                                       std::int64_t offset,
                                                                       std::optional<std::int64_t> contentLength,
                                                                       std::optional<formats::Sha1Digest> checksum,
                                                                       bool completes) {
    OBSCURA_TRY(upload, find(userId, id));
    OBSCURA_TRY_STATUS(failFastWhenOpen(deps_.storeCircuit));
    if (upload.state != "open") {
        return conflict("the upload is " + std::string(upload.state == "done" ? "complete" : upload.state) +
                        "; nothing more can be appended");
    }
    if (offset != upload.offset) {
        return conflict("Upload-Offset " + std::to_string(offset) + " does not match the upload's offset " +
                        std::to_string(upload.offset));
    }
    if (upload.length && contentLength && offset + *contentLength > *upload.length) {
        return Error(ErrorCode::PayloadTooLarge, "the body (" + std::to_string(*contentLength) +
                                                     " bytes) runs past Upload-Length " +
                                                     std::to_string(*upload.length));
    }
    const std::string writer = newUuid();
    const std::int64_t nowUs = deps_.jobs.clock().nowUs();
    OBSCURA_TRY(claimed, withRepos(deps_.storage, [&](storage::Repositories& repos) {
                    return repos.uploads().claimWriter(id, writer, offset, nowUs, nowUs + micros(kWriterLease));
                }));
    if (!claimed) {
        OBSCURA_TRY(now, find(userId, id));
        if (now.offset != offset || now.state != "open") {
            return conflict("Upload-Offset " + std::to_string(offset) + " does not match the upload's offset " +
                            std::to_string(now.offset));
        }
        return Error(ErrorCode::Conflict, "another request is appending to this upload", "upload_locked");
    }
    auto appender = spool_.appendAt(id, offset);
    if (!appender) {
        release(id, writer);
        return std::move(appender).error();
    }
    auto chunkSha = formats::Sha1::create();
    if (!chunkSha) {
        release(id, writer);
        return std::move(chunkSha).error();
    }
    auto sink = std::make_shared<ResumableSink>(*this, std::move(upload), writer, std::move(*appender), checksum,
                                                std::move(*chunkSha), takeRunningHash(id, offset));
    sink->completes_ = completes;
    sink->maxUploadBytes_ = static_cast<std::int64_t>(maxUploadBytes_);
    return sink;
}

Expected<AppendResult> ResumableService::finishAppend(ResumableSink& sink) {
    sink.done_ = true;
    storage::UploadRecord upload = sink.upload_;
    const std::string& writer = sink.writer_;
    if (sink.expectedChunk_ && sink.chunkSha_.finish() != *sink.expectedChunk_) {
        release(upload.id, writer);
        return Error(ErrorCode::BadRequest, "the chunk's SHA-1 does not match Upload-Checksum; its bytes were not kept",
                     "checksum_mismatch");
    }
    if (auto synced = sink.appender_.sync(spool_.ops()); !synced) {
        release(upload.id, writer);
        return std::move(synced).error();
    }
    const std::int64_t from = upload.offset;
    const std::int64_t to = from + sink.written();
    if (sink.completes_ && upload.length && to != *upload.length) {
        release(upload.id, writer);
        return conflict("Upload-Complete, but the upload has " + std::to_string(to) + " of its " +
                        std::to_string(*upload.length) + " bytes");
    }
    if (sink.completes_ && to == 0) {
        release(upload.id, writer);
        return badRequest("an empty file cannot be uploaded");
    }
    std::optional<std::int64_t> length;
    if (sink.completes_ && !upload.length) length = to;  // the IETF draft: the length is where the bytes end
    const bool complete = (upload.length && to == *upload.length) || sink.completes_;
    const std::string state = complete ? "importing" : "open";
    // The importing upload keeps its lease: nobody else may append or import meanwhile.
    OBSCURA_TRY(moved, withRepos(deps_.storage, [&](storage::Repositories& repos) {
                    return repos.uploads().advanceOffset(upload.id, writer, from, to, length, state, expiryFromNow(),
                                                         !complete);
                }));
    if (length) upload.length = length;
    if (!moved) return conflict("another request took this upload over; HEAD it for the offset and resume");
    upload.offset = to;
    upload.state = state;
    upload.expiresAtUs = expiryFromNow();
    if (!complete) {
        if (sink.running_) putRunningHash(upload.id, to, std::move(*sink.running_));
        return AppendResult{std::move(upload), false};
    }
    std::optional<formats::Sha1Digest> digest;
    if (sink.running_) digest = sink.running_->finish();
    return importUpload(std::move(upload), digest);
}

Expected<AppendResult> ResumableService::importUpload(storage::UploadRecord upload,
                                                      std::optional<formats::Sha1Digest> digest) {
    auto fail = [&](Error error) -> Error {
        spool_.remove(upload.id);
        auto finished = withRepos(deps_.storage, [&](storage::Repositories& repos) {
            return repos.uploads().finishUpload(upload.id, "failed", std::nullopt, error.message, expiryFromNow());
        });
        if (!finished)
            log::warn("uploads: cannot record the failure of " + upload.id + ": " + finished.error().message);
        return error;
    };
    if (auto cut = spool_.truncate(upload.id, *upload.length); !cut) return fail(std::move(cut).error());
    auto fields = readResumableFields(metadataFromJson(upload.metadataJson));
    if (!fields) return fail(std::move(fields).error());
    const std::string path = spool_.path(upload.id);
    auto head = readHead(path);
    if (!head) return fail(std::move(head).error());
    auto type = sniffMediaType(*head);
    if (!type) return fail(std::move(type).error());
    auto file = UploadTempFile::adopt(path, digest);
    if (!file) return fail(std::move(file).error());
    const std::string name = fields->fileName.empty() ? "upload" : fields->fileName;
    auto imported = importCompleteFile(deps_, upload.ownerId, std::move(*file), **type, name, fields->fields);
    if (!imported) return fail(std::move(imported).error());
    upload.state = "done";
    upload.assetId = imported->asset.id;
    OBSCURA_TRY_STATUS(withRepos(deps_.storage, [&](storage::Repositories& repos) {
        return repos.uploads().finishUpload(upload.id, "done", upload.assetId, "", expiryFromNow());
    }));
    return AppendResult{std::move(upload), true};
}

Status ResumableService::keepPartial(ResumableSink& sink) noexcept {
    sink.done_ = true;
    const storage::UploadRecord& upload = sink.upload_;
    const std::int64_t to = upload.offset + sink.written();
    // Nothing to keep; or bytes that were promised a checksum and cannot be checked; or a body that would have
    // completed the upload (it is imported only by a request that ends normally).
    if (sink.failed_ || sink.expectedChunk_ || sink.written() == 0 || (upload.length && to >= *upload.length)) {
        release(upload.id, sink.writer_);
        return {};
    }
    if (auto synced = sink.appender_.sync(spool_.ops()); !synced) {
        release(upload.id, sink.writer_);
        return synced;
    }
    auto moved = withRepos(deps_.storage, [&](storage::Repositories& repos) {
        return repos.uploads().advanceOffset(upload.id, sink.writer_, upload.offset, to, std::nullopt, "open",
                                             expiryFromNow(), true);
    });
    if (moved && *moved && sink.running_) putRunningHash(upload.id, to, std::move(*sink.running_));
    if (!moved) return std::move(moved).error();
    return {};
}

bool ResumableService::renew(const std::string& id, const std::string& writer) {
    const std::int64_t untilUs = deps_.jobs.clock().nowUs() + micros(kWriterLease);
    auto renewed = withRepos(
        deps_.storage, [&](storage::Repositories& repos) { return repos.uploads().renewWriter(id, writer, untilUs); });
    return renewed && *renewed;
}

void ResumableService::release(const std::string& id, const std::string& writer) noexcept {
    auto released = withRepos(deps_.storage,
                              [&](storage::Repositories& repos) { return repos.uploads().releaseWriter(id, writer); });
    // Not fatal: the lease runs out by itself after kWriterLease.
    if (!released) log::warn("uploads: cannot release the lease of " + id + ": " + released.error().message);
}

Status ResumableService::terminate(const std::string& userId, const std::string& id) {
    OBSCURA_TRY(upload, find(userId, id));
    OBSCURA_TRY(deleted, withRepos(deps_.storage, [&](storage::Repositories& repos) {
                    return repos.uploads().deleteUpload(userId, id);
                }));
    if (!deleted) return notFound("no such upload");
    // A done upload's bytes are the asset's now: its spool file is gone already.
    if (upload.state != "done") spool_.remove(id);
    std::lock_guard lock(hashesMutex_);
    hashes_.erase(id);
    return {};
}

Expected<int> ResumableService::sweep() {
    OBSCURA_TRY(expired, withRepos(deps_.storage, [&](storage::Repositories& repos) {
                    return repos.uploads().listExpiredUploads(deps_.jobs.clock().nowUs(), kSweepBatch);
                }));
    int count = 0;
    for (const auto& upload : expired) {
        // Bytes first: a crash between the two leaves a row whose PATCH answers 404 upload_gone, never a file
        // nobody would ever remove.
        if (upload.state != "done") spool_.remove(upload.id);
        OBSCURA_TRY_STATUS(withRepos(
            deps_.storage, [&](storage::Repositories& repos) { return repos.uploads().removeUpload(upload.id); }));
        {
            std::lock_guard lock(hashesMutex_);
            hashes_.erase(upload.id);
        }
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
}

void ResumableService::runSweeper() {
    std::unique_lock lock(sweepMutex_);
    while (!stopping_) {
        lock.unlock();
        if (auto swept = sweep(); !swept) log::warn("uploads: sweeping failed: " + swept.error().message);
        lock.lock();
        sweepWake_.wait_for(lock, kSweepInterval, [this] { return stopping_; });
    }
}

}  // namespace obscura::images

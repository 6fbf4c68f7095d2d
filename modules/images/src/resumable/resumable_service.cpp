#include "resumable/resumable_service.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <future>
#include <nlohmann/json.hpp>
#include <system_error>

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

std::int64_t micros(std::chrono::microseconds d) { return d.count(); }

std::string metadataJson(const UploadMetadata& metadata) {
    nlohmann::json object = nlohmann::json::object();
    for (const auto& [key, value] : metadata) object[key] = value;
    return object.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

ResumableService::ResumableService(UploadDeps& deps, std::string spoolDir, std::uint64_t maxUploadBytes)
    : deps_(deps), spool_(std::move(spoolDir)), maxUploadBytes_(maxUploadBytes) {
    if (deps_.blobs.keepsParts()) remote_.emplace(deps_.blobs, spool_, deps_.tmpDir);
}

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
                if (fields.fields.albumId)
                    OBSCURA_TRY_STATUS(joinAlbum(repos, userId, *fields.fields.albumId, existing->id, nowUs));
                return {};
            }));
            return record;
        }
    }
    OBSCURA_TRY(remaining, remainingQuota(deps_, userId, upload.length, 0));
    (void)remaining;
    if (remote_) {
        // The parts' multipart upload first, then the row naming it: a failure between leaves parts that the
        // store's own clean-up of old multipart uploads ends, never a row without its parts.
        OBSCURA_TRY_STATUS(spool_.reset(record.id));
        auto partsId = remote_->begin(record.id);
        if (!partsId) {
            spool_.remove(record.id);
            return std::move(partsId).error();
        }
        record.partsId = std::move(*partsId);
        record.partsJson = "[]";
    } else {
        OBSCURA_TRY_STATUS(spool_.create(record.id));
    }
    auto created = deps_.storage.transaction([&](storage::Repositories& tx) -> Status {
        OBSCURA_TRY_STATUS(tx.uploads().createUpload(record));
        if (!record.partsId.empty()) OBSCURA_TRY_STATUS(tx.uploads().createUploadParts(record.id, record.partsId));
        return {};
    });
    if (!created) {
        (void)dropBytes(record);
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
    // The lease the previous PATCH kept for this one (a sequential client: no claim to commit), else a claim.
    auto kept = takeKeptLease(id, offset);
    const std::string writer = kept ? kept->writer : newUuid();
    const auto confirmedAt = kept ? kept->confirmedAt : std::chrono::steady_clock::now();
    const std::int64_t nowUs = deps_.jobs.clock().nowUs();
    bool claimed = kept.has_value();
    if (!claimed) {
        OBSCURA_TRY(won, withRepos(deps_.storage, [&](storage::Repositories& repos) {
                        return repos.uploads().claimWriter(id, writer, offset, nowUs, nowUs + micros(kWriterLease));
                    }));
        claimed = won;
    }
    if (!claimed) {
        OBSCURA_TRY(now, find(userId, id));
        if (now.offset != offset || now.state != "open") {
            return conflict("Upload-Offset " + std::to_string(offset) + " does not match the upload's offset " +
                            std::to_string(now.offset));
        }
        return Error(ErrorCode::Conflict, "another request is appending to this upload", "upload_locked");
    }
    if (!remote_) {
        // The offset's commit runs beside the bytes' sync (persistAndAdvance), so a power loss between the two can
        // leave a row ahead of its file: the file's size is then what arrived, and the offset goes back to it.
        auto held = spool_.size(id);
        if (held && *held < offset) {
            OBSCURA_TRY_STATUS(rewindOffset(id, writer, offset, *held));
            return conflict("the upload's bytes end at " + std::to_string(*held) +
                            " (the server lost what came after); HEAD it for the offset and resume");
        }
    }
    auto appender = remote_ ? remote_->appendAt(upload) : spool_.appendAt(id, offset, true);
    if (!appender) {
        release(id, writer);
        return std::move(appender).error();
    }
    auto chunkSha = formats::Sha1::create();
    if (!chunkSha) {
        release(id, writer);
        return std::move(chunkSha).error();
    }
    const std::int64_t base = remote_ ? partsBytes(partsFromJson(upload.partsJson)) : 0;
    auto sink = std::make_shared<ResumableSink>(*this, std::move(upload), writer, std::move(*appender), checksum,
                                                std::move(*chunkSha), takeRunningHash(id, offset));
    sink->base_ = base;
    sink->renewedAt_ = confirmedAt;  // a kept lease is renewed as soon as it is kLeaseRenewal old
    sink->lease_->confirmedAtNs = confirmedAt.time_since_epoch().count();
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
    // The importing upload keeps its lease: nobody else may append or import meanwhile. An open one keeps it too
    // for the same client's next PATCH (kKeptLease) while it was confirmed lately, so that one claims nothing.
    const auto confirmed =
        std::chrono::steady_clock::time_point(std::chrono::steady_clock::duration(sink.lease_->confirmedAtNs.load()));
    const bool keep = !complete && !sink.lease_->lost && std::chrono::steady_clock::now() - confirmed < kLeaseRenewal;
    auto moved = persistAndAdvance(sink, to, length, state, !complete && !keep, complete);
    if (!moved) {
        release(upload.id, writer);
        return std::move(moved).error();
    }
    if (length) upload.length = length;
    if (!*moved) return conflict("another request took this upload over; HEAD it for the offset and resume");
    upload.partsJson = sink.upload_.partsJson;
    upload.offset = to;
    upload.state = state;
    upload.expiresAtUs = expiryFromNow();
    if (!complete) {
        if (keep) keepLease(upload.id, KeptLease{writer, to, confirmed});
        if (sink.running_) putRunningHash(upload.id, to, std::move(*sink.running_));
        return AppendResult{std::move(upload), false};
    }
    std::optional<formats::Sha1Digest> digest;
    if (sink.running_) digest = sink.running_->finish();
    return importUpload(std::move(upload), digest);
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
    auto moved = persistAndAdvance(sink, to, std::nullopt, "open", true, false);
    if (!moved) {
        release(upload.id, sink.writer_);
        return std::move(moved).error();
    }
    if (*moved && sink.running_) putRunningHash(upload.id, to, std::move(*sink.running_));
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

Expected<bool> ResumableService::persistAndAdvance(ResumableSink& sink, std::int64_t to,
                                                   std::optional<std::int64_t> length, const std::string& state,
                                                   bool release, bool complete) {
    storage::UploadRecord& upload = sink.upload_;
    if (!remote_) return syncAndAdvance(sink, to, length, state, release);
    // Parts and tail in the store first (the lease is checked just before: a writer that lost it sends nothing
    // that could replace its successor's parts), then the offset and the parts' list together.
    if (!renew(upload.id, sink.writer_)) return false;
    OBSCURA_TRY(stored, remote_->store(upload, to, complete));
    bool moved = false;
    OBSCURA_TRY_STATUS(deps_.storage.transaction([&](storage::Repositories& tx) -> Status {
        OBSCURA_TRY(advanced, tx.uploads().advanceOffset(upload.id, sink.writer_, upload.offset, to, length, state,
                                                         expiryFromNow(), release));
        moved = advanced;
        if (moved && stored.changed)
            OBSCURA_TRY_STATUS(tx.uploads().setUploadParts(upload.id, partsToJson(stored.parts)));
        return {};
    }));
    if (!moved) return false;
    remote_->committed(upload, to, stored);
    upload.partsJson = partsToJson(stored.parts);
    return true;
}

// The spool is the durable copy. Its sync (a journal commit and a disk flush) and the offset's commit (another
// flush) run at once, and the answer waits for both: one flush's wait per PATCH instead of two in a row, which
// was a quarter of a sequential client's time per 8 MiB (bench/RESULTS.md, issue 20). So the offset is durable
// before it is reported, as before; what changes is that for a moment the row can be durable ahead of the bytes.
// A power loss in that moment leaves the file shorter than the row's offset (appendAt only ever extends a file
// that ends at the offset, and a file system with ordered data — ext4, xfs, btrfs — never shows a size past the
// bytes it wrote), and the next append finds that out and moves the offset back (beginAppend). A failed sync moves
// it back at once.
Expected<bool> ResumableService::syncAndAdvance(ResumableSink& sink, std::int64_t to,
                                                std::optional<std::int64_t> length, const std::string& state,
                                                bool release) {
    const storage::UploadRecord& upload = sink.upload_;
    auto advance = [&](bool releasing) {
        return withRepos(deps_.storage, [&](storage::Repositories& repos) {
            return repos.uploads().advanceOffset(upload.id, sink.writer_, upload.offset, to, length, state,
                                                 expiryFromNow(), releasing);
        });
    };
    if (release) {
        // Giving the lease back (a vanished client's bytes, a PATCH whose lease is not fresh): rare, so one after
        // the other, bytes first — the offset and the release then land in one statement, and the client that
        // resumes at once finds the upload free.
        OBSCURA_TRY_STATUS(sink.appender_.sync(spool_.ops()));
        return advance(true);
    }
    std::future<Status> synced;
    try {
        synced = std::async(std::launch::async, [&] { return sink.appender_.sync(spool_.ops()); });
    } catch (const std::system_error&) {
        // No thread to spare: one after the other, bytes first.
        OBSCURA_TRY_STATUS(sink.appender_.sync(spool_.ops()));
    }
    // The lease stays held until the sync is known good: a failed one must still be able to move the offset back.
    auto moved = advance(false);
    Status syncStatus = synced.valid() ? synced.get() : Status{};
    if (!syncStatus) {
        if (moved && *moved) OBSCURA_TRY_STATUS(rewindOffset(upload.id, sink.writer_, to, upload.offset));
        return std::move(syncStatus).error();
    }
    return moved;
}

Status ResumableService::rewindOffset(const std::string& id, const std::string& writer, std::int64_t from,
                                      std::int64_t to) {
    auto rewound = withRepos(deps_.storage, [&](storage::Repositories& repos) {
        return repos.uploads().advanceOffset(id, writer, from, to, std::nullopt, "open", expiryFromNow(), true);
    });
    if (!rewound) {
        log::error("uploads: the offset of " + id +
                   " is ahead of its bytes and cannot be moved back: " + rewound.error().message);
        return std::move(rewound).error();
    }
    if (*rewound)
        log::warn("uploads: the offset of " + id + " moved back to " + std::to_string(to) + " (its bytes end there)");
    return {};
}

void ResumableService::keepLease(const std::string& id, KeptLease lease) {
    std::lock_guard lock(keptMutex_);
    if (kept_.size() >= kMaxKeptLeases && !kept_.count(id)) return;  // bounded: past it, the next PATCH claims
    kept_.insert_or_assign(id, std::move(lease));
}

std::optional<KeptLease> ResumableService::takeKeptLease(const std::string& id, std::int64_t offset) {
    std::lock_guard lock(keptMutex_);
    auto it = kept_.find(id);
    if (it == kept_.end()) return std::nullopt;
    KeptLease lease = std::move(it->second);
    kept_.erase(it);
    // Only while the database's lease is surely still ours (renewals stop kLeaseMargin before it could run out)
    // and nobody moved the upload since: otherwise the next request claims, as a first one does.
    if (lease.offset != offset || std::chrono::steady_clock::now() - lease.confirmedAt >= kWriterLease - kLeaseMargin)
        return std::nullopt;
    return lease;
}

void ResumableService::renewLater(const std::string& id, const std::string& writer, std::shared_ptr<LeaseWatch> lease,
                                  std::chrono::steady_clock::time_point askedAt) {
    background_.post([this, id, writer, lease = std::move(lease), askedAt] {
        if (renew(id, writer)) {
            lease->confirmedAtNs = askedAt.time_since_epoch().count();
        } else {
            lease->lost = true;
        }
        lease->renewing = false;
    });
}

void ResumableService::releaseLater(const std::string& id, const std::string& writer) {
    background_.post([this, id, writer] { release(id, writer); });
}

void ResumableService::keepPartialLater(std::shared_ptr<ResumableSink> sink) {
    background_.post([this, sink = std::move(sink)] {
        if (auto kept = keepPartial(*sink); !kept)
            log::warn("uploads: cannot keep the bytes of " + sink->upload_.id + ": " + kept.error().message);
    });
}

}  // namespace obscura::images

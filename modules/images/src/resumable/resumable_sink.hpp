#pragma once
// The body of one append (PATCH /api/uploads/{id}, or a creating POST's first bytes): written straight into the
// upload's spool file at its offset, never held in memory, each chunk hashed for Upload-Checksum and the running
// whole-file SHA-1. Holds the upload's writer lease (resumable_service.hpp) for its whole life.
//
// Threads: write() runs on the connection's I/O strand, which never waits on the database: every kLeaseRenewal it
// hands a renewal of the lease to the service's background queue, and it refuses to write once the last renewal
// that came back is older than the lease minus kLeaseMargin (a stale writer could overwrite its successor's bytes).
// finish() and the handler then run on a worker. abort() — the client vanished or the body was refused — hands
// the rest to the background queue too: keep what arrived (fsync or the blob store, one UPDATE) unless a checksum
// was promised or a write failed, and give the lease back, so the client can resume at once.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "obscura/formats/sha1.hpp"
#include "obscura/kernel/http_types.hpp"
#include "obscura/storage/uploads_repository.hpp"
#include "resumable/upload_spool.hpp"

namespace obscura::images {

class ResumableService;

// The lease as the I/O strand sees it, shared with the renewals in flight.
struct LeaseWatch {
    std::atomic<bool> lost{false};
    std::atomic<bool> renewing{false};
    std::atomic<std::int64_t> confirmedAtNs{0};  // steady clock: when the last renewal (or the claim) was asked for
};

class ResumableSink final : public BodySink, public std::enable_shared_from_this<ResumableSink> {
public:
    ResumableSink(ResumableService& service, storage::UploadRecord upload, std::string writer, SpoolAppender appender,
                  std::optional<formats::Sha1Digest> expectedChunk, formats::Sha1 chunkSha,
                  std::optional<formats::Sha1> running);
    // A sink dropped without finishing or aborting (the handler never ran) gives the lease back.
    ~ResumableSink() override;
    ResumableSink(const ResumableSink&) = delete;
    ResumableSink& operator=(const ResumableSink&) = delete;

    Status write(std::string_view chunk) override;
    Status finish() override;
    void abort() noexcept override;

    const storage::UploadRecord& upload() const { return upload_; }
    std::int64_t written() const { return appender_.written(); }

private:
    friend class ResumableService;

    ResumableService& service_;
    storage::UploadRecord upload_;  // as of the claim: offset is where this append starts
    std::string writer_;
    SpoolAppender appender_;
    std::optional<formats::Sha1Digest> expectedChunk_;
    formats::Sha1 chunkSha_;
    std::optional<formats::Sha1> running_;             // the whole file's hash up to offset + written, when known
    std::chrono::steady_clock::time_point renewedAt_;  // when the last renewal was handed over
    std::shared_ptr<LeaseWatch> lease_ = std::make_shared<LeaseWatch>();
    std::int64_t base_ = 0;   // the upload's byte at position 0 of the spool file (parts in the blob store: the tail)
    bool completes_ = false;  // the IETF draft's Upload-Complete: this body ends the file
    std::int64_t maxUploadBytes_ = 0;  // images.maxUploadBytes: the bound while the length is unknown
    bool failed_ = false;              // a write failed or went past the length: keep nothing
    bool done_ = false;                // finished or aborted: the lease is no longer ours to use
};

}  // namespace obscura::images

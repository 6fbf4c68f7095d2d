#pragma once
// Resumable uploads (DESIGN.md section 10): the rules behind tus 1.0 at /api/uploads. The state is a database
// row (uploads_repository.hpp); the bytes a spool file (upload_spool.hpp) when the blob store is the data dir, or
// parts in the blob store when it keeps them (s3: remote_parts.hpp) — so an upload resumes after a restart and on
// another replica, sharing the data dir or nothing but the database and the store.
//
// An append (PATCH, or the body of a creating POST) holds the upload's writer lease from before its first byte to
// its commit (and, when the client is quick, on to its next PATCH on this replica: KeptLease): claimed only at the
// offset the database holds (else 409 conflict) and only when no other writer holds it (else 423 upload_locked),
// renewed while bytes arrive, released at the end. Its bytes are synced and the offset moves in one compare-and-set
// statement (with the spool, both at once: syncAndAdvance), and only then is the offset reported: an offset is
// durable before anyone is told it. A chunk whose Upload-Checksum does not match (460
// checksum_mismatch), a body past Upload-Length (413) or a failed write moves nothing. When the client vanishes
// mid-body, what arrived is kept (unless a checksum was promised).
//
// The last byte goes through importCompleteFile — the very import of POST /api/assets — and the upload records the
// asset (or the duplicate it matched). A checksum in the creation metadata that names an asset the caller has
// answers at once with a finished upload: no byte is sent.
//
// An import that fails for a reason that passes (the database or the blob store unavailable: 503) keeps the bytes
// and puts the upload back to "open" at its full length: the client's retry of the last PATCH (empty, at the
// length) or its HEAD imports it again. Any other failure is final ("failed", bytes dropped).
//
// Expiry: an upload not touched for kUploadLifetime is swept (row and bytes) by a thread every kSweepInterval and
// on each creation; a finished one is kept that long too, so GET /api/uploads/{id} can tell its asset.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "obscura/base/expected.hpp"
#include "obscura/formats/sha1.hpp"
#include "obscura/storage/uploads_repository.hpp"
#include "resumable/background_queue.hpp"
#include "resumable/remote_parts.hpp"
#include "resumable/upload_metadata.hpp"
#include "resumable/upload_spool.hpp"
#include "upload/upload_temp_file.hpp"

namespace obscura::storage {
class Repositories;
}

namespace obscura::images {

struct UploadDeps;
class ResumableSink;
struct LeaseWatch;

inline constexpr std::chrono::hours kUploadLifetime{24};
inline constexpr std::chrono::minutes kSweepInterval{10};
// The writer lease: long enough to outlive a slow network read, short enough that a replica that died mid-PATCH
// blocks its upload only briefly (clients retry 423). Renewed every kLeaseRenewal while bytes arrive.
inline constexpr std::chrono::seconds kWriterLease{30};
inline constexpr std::chrono::seconds kLeaseRenewal{10};
// A writer stops writing this long before its lease could run out unrenewed (clocks of replicas differ a little).
inline constexpr std::chrono::seconds kLeaseMargin{5};

// A lease a PATCH kept for the same client's next one (sequential tus clients: one claim per upload, not one per
// PATCH). In memory: a restart or another replica simply claims.
struct KeptLease {
    std::string writer;
    std::int64_t offset = 0;                            // the offset it is good for
    std::chrono::steady_clock::time_point confirmedAt;  // when the database last extended it
};
inline constexpr std::size_t kMaxKeptLeases = 1024;

struct NewUpload {
    std::optional<std::int64_t> length;
    UploadMetadata metadata;
};

// What an append achieved.
struct AppendResult {
    storage::UploadRecord upload;  // after the append (offset, state, assetId)
    bool imported = false;         // this append delivered the last byte and the import ran
};

class ResumableService {
public:
    ResumableService(UploadDeps& deps, std::string spoolDir, std::uint64_t maxUploadBytes);
    ~ResumableService();
    ResumableService(const ResumableService&) = delete;
    ResumableService& operator=(const ResumableService&) = delete;

    // Checks the length against images.maxUploadBytes (413) and the quota (507), the metadata's fields (400/422)
    // and album (404/403); then either answers a duplicate named by its checksum (state "done") or makes the row
    // and the empty spool file.
    Expected<storage::UploadRecord> create(const std::string& userId, NewUpload upload);
    // The caller's upload; 404 for anyone else's or an unknown id.
    Expected<storage::UploadRecord> find(const std::string& userId, const std::string& id);
    // Takes the lease to append at `offset` (409/423/404) and opens the sink the body goes into. contentLength,
    // when known, is checked against what is left (413). checksum: the tus Upload-Checksum's SHA-1, if sent.
    // completes: the IETF draft's Upload-Complete — the body's end is the file's end (the length, if unknown so
    // far, becomes offset + body; a known one must be reached exactly, else 409).
    Expected<std::shared_ptr<ResumableSink>> beginAppend(const std::string& userId, const std::string& id,
                                                         std::int64_t offset, std::optional<std::int64_t> contentLength,
                                                         std::optional<formats::Sha1Digest> checksum,
                                                         bool completes = false);
    // After the body: verifies the chunk (460), makes it durable, moves the offset, and imports on the last byte.
    Expected<AppendResult> finishAppend(ResumableSink& sink);
    // Termination: the row and the bytes. 404 when not the caller's.
    Status terminate(const std::string& userId, const std::string& id);
    // Removes expired uploads (row and bytes); answers how many.
    Expected<int> sweep();
    // An upload that has all its bytes but is not imported (a retryable import failure): imports it now, as the
    // PATCH that delivered the last byte would have; the upload as it is afterwards. Anything else: as found.
    Expected<storage::UploadRecord> importIfComplete(const std::string& userId, storage::UploadRecord upload);
    // A user's deletion (auth's UserDeletionHook): their upload rows cascade with them, but the bytes (spool files,
    // the blob store's parts) are not under their folders. noteUploadsOf reads the rows in the deleting
    // transaction, before they go; dropNotedUploadsOf drops the bytes once the deletion committed (user.deleted).
    // A crash between the two leaves spool files to the sweeper's orphan pass and parts to the store's own expiry
    // of unfinished multipart uploads.
    Status noteUploadsOf(storage::Repositories& tx, const std::string& userId);
    void dropNotedUploadsOf(const std::string& userId) noexcept;

    void start();
    void stop();

private:
    friend class ResumableSink;
    Status keepPartial(ResumableSink& sink) noexcept;
    bool renew(const std::string& id, const std::string& writer);
    void release(const std::string& id, const std::string& writer) noexcept;
    // The I/O strand's hand-overs to the background queue (resumable_sink.hpp).
    void renewLater(const std::string& id, const std::string& writer, std::shared_ptr<LeaseWatch> lease,
                    std::chrono::steady_clock::time_point askedAt);
    void releaseLater(const std::string& id, const std::string& writer);
    void keepPartialLater(std::shared_ptr<ResumableSink> sink);
    // Makes the sink's bytes up to `to` durable where the upload keeps them, then moves the offset (and records
    // the parts) in one transaction. False when the lease or the offset was lost.
    Expected<bool> persistAndAdvance(ResumableSink& sink, std::int64_t to, std::optional<std::int64_t> length,
                                     const std::string& state, bool release, bool complete);
    // persistAndAdvance for the spool: its sync and the offset's commit at once (resumable_service.cpp).
    Expected<bool> syncAndAdvance(ResumableSink& sink, std::int64_t to, std::optional<std::int64_t> length,
                                  const std::string& state, bool release);
    // Moves the offset of an upload `writer` holds back from `from` to `to` (its bytes end there) and releases it.
    Status rewindOffset(const std::string& id, const std::string& writer, std::int64_t from, std::int64_t to);
    Status dropBytes(const storage::UploadRecord& upload) noexcept;
    void keepLease(const std::string& id, KeptLease lease);
    std::optional<KeptLease> takeKeptLease(const std::string& id, std::int64_t offset);
    // The finished file to import, wherever the bytes are (the spool: a hard link to it; parts: read back).
    Expected<UploadTempFile> completeFile(storage::UploadRecord& upload, std::optional<formats::Sha1Digest> digest);
    std::optional<formats::Sha1> takeRunningHash(const std::string& id, std::int64_t offset);
    void putRunningHash(const std::string& id, std::int64_t offset, formats::Sha1 sha);
    Expected<AppendResult> importUpload(storage::UploadRecord upload, std::optional<formats::Sha1Digest> digest);
    std::int64_t expiryFromNow() const;
    void runSweeper();

    UploadDeps& deps_;
    UploadSpool spool_;
    const std::uint64_t maxUploadBytes_;
    std::optional<RemoteParts> remote_;  // set when the blob store keeps parts (s3)
    BackgroundQueue background_;

    // Running SHA-1 of each upload's bytes so far, by id, valid at `offset`: the import needs the whole file's
    // hash, and reading a 1 GiB file again at the end would cost what the upload saved. Lost on a restart or
    // another replica, in which case the import hashes the file (UploadTempFile::adopt).
    struct RunningHash {
        std::int64_t offset = 0;
        formats::Sha1 sha;
    };
    std::mutex hashesMutex_;
    std::unordered_map<std::string, RunningHash> hashes_;

    std::mutex keptMutex_;
    std::unordered_map<std::string, KeptLease> kept_;

    // noteUploadsOf → dropNotedUploadsOf, by user id. A deletion refused after the note (the last administrator)
    // leaves its entry until that user's next deletion; bounded like the other maps.
    std::mutex notedMutex_;
    std::unordered_map<std::string, std::vector<storage::UploadRecord>> noted_;

    std::mutex sweepMutex_;
    std::condition_variable sweepWake_;
    bool stopping_ = false;
    std::thread sweeper_;
};

}  // namespace obscura::images

#pragma once
// Resumable uploads (DESIGN.md section 10): one row per upload in progress, tus 1.0 or the IETF draft, kept in
// the database so an upload resumes after a restart and on any replica. The bytes live elsewhere (the upload
// spool: a file under the data dir, or chunk objects in the blob store); the row says how many of them count.
//
// Writers: one PATCH at a time holds the upload's lease (writer token + expiry), taken and released with
// compare-and-set statements, so two replicas appending at once cannot both win. The offset only moves with the
// lease held and from the offset the writer started at (advanceOffset), after the bytes are durable.
//
// Rows go with their owner (ON DELETE CASCADE). Uploads are not copied by migrate-storage: they are transient.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "obscura/base/expected.hpp"

namespace obscura::storage {

struct UploadRecord {
    std::string id;
    std::string ownerId;
    std::optional<std::int64_t> length;  // nullopt: not known yet (IETF draft: until Upload-Complete)
    std::int64_t offset = 0;             // bytes received and durable
    std::string metadataJson;            // the creation metadata, decoded (filename, filetype, albumId, …)
    std::string state = "open";          // "open" | "importing" | "done" | "failed"
    std::optional<std::string> assetId;  // done: the asset the upload became (or the duplicate it matched)
    std::string error;                   // failed: why (the import's message)
    std::string writer;                  // the lease holder's token, "" when free
    std::int64_t writerUntilUs = 0;      // the lease's end
    std::string createdAt;               // RFC 3339
    std::int64_t createdAtUs = 0;
    std::int64_t expiresAtUs = 0;  // swept after this, whatever the state (a finished one is kept a while for GET)
    // Where the bytes wait when the blob store keeps parts (s3; uploads v2, table upload_parts): the store's id of
    // the object being assembled ("" when the bytes are in the data dir's spool) and the parts sent so far, as
    // the service wrote them (JSON).
    std::string partsId;
    std::string partsJson;
};

class UploadsRepository {
public:
    virtual ~UploadsRepository() = default;
    // Conflict when the id is taken.
    virtual Status createUpload(const UploadRecord& upload) = 0;
    // The owner's upload; nullopt when it does not exist or belongs to someone else.
    virtual Expected<std::optional<UploadRecord>> findUpload(const std::string& ownerId, const std::string& id) = 0;
    // Takes the lease for `writer` until untilUs when the upload is open, at `offset`, and its lease is free or
    // over at nowUs. False otherwise (the caller re-reads to tell a wrong offset from a busy upload).
    virtual Expected<bool> claimWriter(const std::string& id, const std::string& writer, std::int64_t offset,
                                       std::int64_t nowUs, std::int64_t untilUs) = 0;
    // Extends a lease `writer` still holds. False when it lost it.
    virtual Expected<bool> renewWriter(const std::string& id, const std::string& writer, std::int64_t untilUs) = 0;
    // Moves the offset from `fromOffset` to `toOffset` (and sets the length when given, the state, the expiry)
    // when `writer` holds the lease; releases it when `release`. False when the lease or the offset was lost.
    virtual Expected<bool> advanceOffset(const std::string& id, const std::string& writer, std::int64_t fromOffset,
                                         std::int64_t toOffset, std::optional<std::int64_t> length,
                                         const std::string& state, std::int64_t expiresAtUs, bool release) = 0;
    // Gives the lease back without moving anything (a failed or refused PATCH).
    virtual Status releaseWriter(const std::string& id, const std::string& writer) = 0;
    // The end of the story: done with the asset, or failed with why, kept until expiresAtUs; the lease is
    // released.
    virtual Status finishUpload(const std::string& id, const std::string& state,
                                const std::optional<std::string>& assetId, const std::string& error,
                                std::int64_t expiresAtUs) = 0;
    // Termination. False when there was no such upload of that owner.
    virtual Expected<bool> deleteUpload(const std::string& ownerId, const std::string& id) = 0;
    // Uploads that expired before nowUs, in any state, soonest expiry first, at most limit (the sweeper).
    virtual Expected<std::vector<UploadRecord>> listExpiredUploads(std::int64_t nowUs, int limit) = 0;
    // Removes an upload whatever its owner (the sweeper, after its bytes are gone).
    virtual Status removeUpload(const std::string& id) = 0;

    // ---- Parts in the blob store (uploads v2) ----
    // Records the blob store's id of the object an upload's parts assemble (once, at creation; the row goes with
    // the upload). Conflict when already recorded.
    virtual Status createUploadParts(const std::string& id, const std::string& partsId) = 0;
    // Replaces the list of parts sent (in the transaction that moves the offset past them).
    virtual Status setUploadParts(const std::string& id, const std::string& partsJson) = 0;
    // The owner's uploads in any state (their bytes go when the owner is deleted).
    virtual Expected<std::vector<UploadRecord>> listUploadsOf(const std::string& ownerId) = 0;
};

}  // namespace obscura::storage

#pragma once
// An upload's bytes in a blob store that keeps parts (s3; blob_store.hpp, BlobPart) — issue 20: replicas that share
// no disk resume each other's uploads. tusd's layout: one multipart upload per resumable upload (key
// uploads/<id>/object), every part but the last at least minPartBytes(); the bytes past the last part, fewer than
// that, are one small object of their own (uploads/<id>/tail-<offset>, named by the offset it ends at so a new
// tail never overwrites the one the database still names). Parts and tail are in the store before the offset
// moves: the caller records the new parts list in the transaction that moves it (UploadsRepository::
// setUploadParts), then drops the old tail.
//
// Between requests this replica keeps the tail's bytes in the spool file (upload_spool.hpp), at position 0, with
// the part bytes before them gone: position p of the file is byte partsBytes + p of the upload. Which offset the
// file is good for is kept in memory; anything else (another replica moved the upload, a restart) fetches the tail
// object again — a few MiB at most.
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "obscura/base/expected.hpp"
#include "obscura/blobs/blob_store.hpp"
#include "obscura/storage/uploads_repository.hpp"
#include "resumable/upload_spool.hpp"

namespace obscura::images {

// Parts no larger than this (the last part of a big chunk too), so one PUT to the store stays short.
inline constexpr std::uint64_t kMaxPartBytes = 64ULL << 20;

std::string partsObjectKey(const std::string& uploadId);
std::string partsTailKey(const std::string& uploadId, std::int64_t offset);
std::string partsToJson(const std::vector<blobs::BlobPart>& parts);
std::vector<blobs::BlobPart> partsFromJson(const std::string& json);
std::int64_t partsBytes(const std::vector<blobs::BlobPart>& parts);

// What storing an append achieved, for the transaction that moves the offset.
struct StoredParts {
    std::vector<blobs::BlobPart> parts;  // all of them, the new ones included
    bool changed = false;                // new parts were sent: the list must be written
};

class RemoteParts {
public:
    RemoteParts(blobs::BlobStore& blobs, UploadSpool& spool, std::string tmpDir);

    // Begins the multipart upload of a new upload: the id to record with createUploadParts.
    Expected<std::string> begin(const std::string& uploadId);
    // Makes the spool file hold the bytes from the last part to upload.offset (fetching the tail when this replica
    // does not have them) and opens it for appending there.
    Expected<SpoolAppender> appendAt(const storage::UploadRecord& upload);
    // Sends what the spool file holds up to `to` (the upload's offset after the append): whole parts, and the rest
    // as the new tail — or, when `complete`, everything as parts. Durable in the store when it answers.
    Expected<StoredParts> store(const storage::UploadRecord& upload, std::int64_t to, bool complete);
    // After the offset moved to `to` with `stored` recorded: drops the tail at upload.offset and leaves the spool
    // file holding the new tail only.
    void committed(const storage::UploadRecord& upload, std::int64_t to, const StoredParts& stored) noexcept;
    // The last byte: the parts become uploads/<id>/object (again on a retry: already complete is fine).
    Status complete(const storage::UploadRecord& upload, const std::vector<blobs::BlobPart>& parts);
    // Everything of the upload in the store (the multipart upload, tails, the completed object) and its spool.
    Status drop(const storage::UploadRecord& upload) noexcept;

private:
    struct LocalTail {
        std::int64_t base = 0;  // the upload's byte at position 0 of the spool file
        std::int64_t end = 0;   // the upload's offset the file is good up to
    };
    blobs::BlobStore& blobs_;
    UploadSpool& spool_;
    std::string tmpDir_;
    std::mutex mutex_;
    std::unordered_map<std::string, LocalTail> local_;
};

}  // namespace obscura::images

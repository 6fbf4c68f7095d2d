#pragma once
// The steps of an S3 multipart upload and a server-side copy, shared by put() (a finished file, parts sent one
// after the other) and the staged put (parts sent while the file is still being written, then copied under the
// key once it is known). Each step answers an error the caller turns into an abort: no step leaves parts
// behind by itself.
#include <atomic>
#include <cstdint>
#include <map>
#include <string>

#include "obscura/blobs/blob_store.hpp"
#include "s3_client.hpp"

namespace obscura::s3 {

struct MultipartUpload {
    std::string fullKey;
    std::string uploadId;
    std::map<int, std::string> parts;  // part number → its ETag, for the parts sent so far
};

Expected<MultipartUpload> initiateMultipart(S3Client& client, const std::string& fullKey,
                                            const blobs::PutOptions& options);
// Sends [offset, offset + length) of the open file `fd` as part `number` and answers its ETag. Safe to call for
// several parts of one upload at once (it only reads `upload`). `cancel`, when set, stops the transfer.
Expected<std::string> uploadPart(S3Client& client, const MultipartUpload& upload, int number, int fd,
                                 std::uint64_t offset, std::uint64_t length, const std::atomic<bool>* cancel = nullptr);
Status completeMultipart(S3Client& client, const MultipartUpload& upload);
// Best effort: the store's lifecycle rules sweep what a failure here (or a crash before it) leaves.
void abortMultipart(S3Client& client, const MultipartUpload& upload);

// Copies the object at `fromFullKey` (of `size` bytes) to `toFullKey` inside the bucket, keeping its
// Content-Type: one CopyObject up to 5 GiB (S3's limit for it), a multipart copy of 5 GiB ranges above.
Status copyObject(S3Client& client, const std::string& fromFullKey, const std::string& toFullKey, std::uint64_t size,
                  const blobs::PutOptions& options);

}  // namespace obscura::s3

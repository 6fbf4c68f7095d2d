#pragma once
// The steps of an S3 multipart upload and a server-side copy, shared by put() (a finished file, parts sent one
// after the other) and the staged put (parts sent while the file is still being written, then copied under the
// key once it is known). Each step answers an error the caller turns into an abort: no step leaves parts
// behind by itself.
#include <atomic>
#include <cstdint>
#include <string>

#include "obscura/blobs/blob_store.hpp"
#include "s3_client.hpp"

namespace obscura::s3 {

struct MultipartUpload {
    std::string fullKey;
    std::string uploadId;
    std::string manifest;  // the <Part> elements of the parts sent so far
    int nextPart = 1;
};

Expected<MultipartUpload> initiateMultipart(S3Client& client, const std::string& fullKey,
                                            const blobs::PutOptions& options);
// Sends [offset, offset + length) of the open file `fd` as the next part. `cancel`, when set, stops the transfer.
Status uploadPart(S3Client& client, MultipartUpload& upload, int fd, std::uint64_t offset, std::uint64_t length,
                  const std::atomic<bool>* cancel = nullptr);
Status completeMultipart(S3Client& client, const MultipartUpload& upload);
// Best effort: the store's lifecycle rules sweep what a failure here (or a crash before it) leaves.
void abortMultipart(S3Client& client, const MultipartUpload& upload);

// Copies the object at `fromFullKey` (of `size` bytes) to `toFullKey` inside the bucket, keeping its
// Content-Type: one CopyObject up to 5 GiB (S3's limit for it), a multipart copy of 5 GiB ranges above.
Status copyObject(S3Client& client, const std::string& fromFullKey, const std::string& toFullKey, std::uint64_t size,
                  const blobs::PutOptions& options);

}  // namespace obscura::s3

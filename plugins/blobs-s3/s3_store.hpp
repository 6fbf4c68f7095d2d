#pragma once
// BlobStore over one S3 bucket (DESIGN §8): keys live under blobs.s3.prefix; puts above the multipart threshold
// go up in parts (aborted on failure, so no half object remains); reads fetch the range in bounded chunks
// pinned to the first answer's ETag.
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>

#include "obscura/blobs/blob_store.hpp"
#include "s3_client.hpp"

namespace obscura::s3 {

// Where staged puts send their parts (s3_staged_put.cpp), under blobs.s3.prefix like every key.
inline constexpr std::string_view kStagingPrefix = "tmp/staged/";
// Where resumable uploads keep their parts and tails (the images module's resumable service): their lifetime is
// the upload's, which its own expiry ends; the start-up sweep leaves them alone.
inline constexpr std::string_view kResumablePrefix = "uploads/";

class S3BlobStore final : public blobs::BlobStore {
public:
    S3BlobStore(S3Settings settings, std::function<void(const blobs::BlobOperation&)> observe);

    // The start-up check: the bucket answers a signed listing. Errors name the setting to fix.
    Status check();

    std::string_view name() const override { return "s3"; }
    Status ping() override;
    Status put(std::string_view key, const std::string& tempPath, const blobs::PutOptions& options) override;
    Expected<std::unique_ptr<blobs::BlobReader>> open(std::string_view key, const blobs::BlobRange& range) override;
    Expected<blobs::BlobInfo> stat(std::string_view key) override;
    Status remove(std::string_view key) override;
    Status removePrefix(std::string_view prefix) override;
    Expected<blobs::BlobPage> list(std::string_view prefix, const std::string& continuation,
                                   std::size_t limit) override;
    std::optional<blobs::PresignedRequest> presignGet(std::string_view key, std::int64_t ttlSeconds,
                                                      const blobs::PresignGetOptions& options) override;
    std::optional<blobs::PresignedRequest> presignPut(std::string_view key, std::int64_t ttlSeconds,
                                                      const blobs::PutOptions& options) override;
    std::optional<std::string> localPath(std::string_view) const override { return std::nullopt; }
    const CircuitBreaker* circuit() const override { return &client_.breaker(); }
    Expected<std::unique_ptr<blobs::StagedPut>> beginStagedPut(const std::string& tempPath, std::string_view likelyKey,
                                                               const blobs::PutOptions& options) override;
    // Parts kept between requests (resumable uploads, issue 20): one multipart upload per object, in s3_parts.cpp.
    bool keepsParts() const override { return true; }
    Expected<std::string> beginParts(std::string_view key, const blobs::PutOptions& options) override;
    Expected<std::string> putPart(std::string_view key, const std::string& partsId, int number, const std::string& path,
                                  std::uint64_t offset, std::uint64_t length) override;
    Status completeParts(std::string_view key, const std::string& partsId,
                         const std::vector<blobs::BlobPart>& parts) override;
    Status dropParts(std::string_view key, const std::string& partsId) override;
    // Waits for the staged puts' background senders (s3_staged_put.cpp) to end: they use the client.
    ~S3BlobStore() override;

    // Internals shared with the reader and multipart helpers.
    S3Client& client() { return client_; }
    std::string fullKey(std::string_view key) const { return client_.settings().prefix + std::string(key); }
    void observe(std::string_view op, bool ok, double seconds, std::uint64_t bytes) const;
    // A finished file of `size` bytes under the full key, in one PUT or in parts by the threshold.
    Status putFile(const std::string& full, const std::string& path, std::uint64_t size,
                   const blobs::PutOptions& options);
    // At start: removes the objects under kStagingPrefix over an hour old and aborts the multipart uploads under
    // blobs.s3.prefix begun over a day ago (what a crash mid-upload left; no live upload takes a day) — those of
    // resumable uploads (kResumablePrefix: parts and tails) after a week, when no upload can still be alive (a
    // deleted user's). Best effort: failures are left for the next start.
    void sweepStaged();
    // Background senders alive; the destructor waits for none.
    void senderStarted();
    void senderEnded();

private:
    Status putSingle(const std::string& full, const std::string& path, std::uint64_t size,
                     const blobs::PutOptions& options);
    Status putMultipart(const std::string& full, const std::string& path, std::uint64_t size,
                        const blobs::PutOptions& options);
    std::optional<blobs::PresignedRequest> presign(const std::string& method, std::string_view key,
                                                   std::int64_t ttlSeconds, QueryParams query,
                                                   std::vector<std::pair<std::string, std::string>> headers);

    S3Client client_;
    std::function<void(const blobs::BlobOperation&)> observe_;
    std::mutex sendersMutex_;
    std::condition_variable sendersIdle_;
    int senders_ = 0;
};

// The info S3 sends in a HEAD or GET answer.
blobs::BlobInfo infoFromHeaders(const S3Response& response, std::uint64_t size);

// Opens a reader over [range] of fullKey (s3_reader.cpp).
Expected<std::unique_ptr<blobs::BlobReader>> openS3Reader(S3BlobStore& store, std::string fullKey,
                                                          const blobs::BlobRange& range);

}  // namespace obscura::s3

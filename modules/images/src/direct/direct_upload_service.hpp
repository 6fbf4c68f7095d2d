#pragma once
// Direct upload (DESIGN.md section 8): the client asks for a URL, PUTs the bytes there — to S3 itself when the
// store can presign, else to the server's own signed route — and confirms; the confirm imports the object through
// the very import of POST /api/assets (upload_routes.hpp: importUploadedFile), so quota, duplicates, metadata,
// albums, media's job and asset.created are the same.
//
// Every upload is a row (direct_uploads_repository.hpp) owned by its creator (anyone else: 404) with an object key
// of its own, "direct-uploads/<owner>/<uploadId>", and a durable expiry job enqueued in the same transaction: at
// expiry the sweep deletes the object and the row of every unconfirmed upload, on whichever replica runs it, even
// after a crash.
//
// Quota is checked when the URL is made (against the announced size) and again by the import at confirm. The
// confirm reads the object twice at most: a ranged read of its head to sniff the type (415 and the object deleted
// when it is neither photo nor video) and one read front to back into a temp file, hashed on the way, which the
// import then puts into the library.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "direct/direct_upload_signer.hpp"
#include "obscura/base/expected.hpp"
#include "obscura/kernel/http_types.hpp"
#include "obscura/storage/direct_uploads_repository.hpp"
#include "upload/upload_fields.hpp"
#include "upload/upload_temp_file.hpp"

namespace obscura {
class JobQueue;
class Clock;
namespace storage {
class Storage;
}
}  // namespace obscura
namespace obscura::blobs {
class BlobStore;
}

namespace obscura::images {

struct UploadDeps;

// The job kind of the expiry sweep (payload {"uploadId": …}).
inline constexpr const char* kDirectUploadExpiryJob = "images.directUploadExpiry";

struct DirectUploadRequest {
    std::string fileName;  // the client's, sanitised here
    std::int64_t sizeBytes = 0;
    std::string checksum;  // SHA-1 hex or "" (checked at confirm)
    FormFields fields;     // title, description, albumId: the upload form's rules (upload_fields.hpp)
};

struct DirectUploadTicket {
    std::string uploadId;
    std::string url;
    std::string method;  // "PUT"
    std::vector<std::pair<std::string, std::string>> headers;
    std::int64_t expiresAtUs = 0;
};

class DirectUploadService {
public:
    // ttlSeconds: images.directUploadTtlSeconds.
    DirectUploadService(UploadDeps& upload, blobs::BlobStore& blobs, std::string serverSecret, std::int64_t ttlSeconds);

    // 422 for a bad size, name, checksum or field; 413 above images.maxUploadBytes; 404/403 for an album the caller
    // cannot add to; 507 when the announced size does not fit the quota. serverBaseUrl ("http://host:port") makes
    // the local store's URL absolute.
    Expected<DirectUploadTicket> create(const std::string& userId, const DirectUploadRequest& request,
                                        const std::string& serverBaseUrl);

    // The local store's PUT, before its body: the signature (403 when it does not match), the expiry (403), the
    // announced Content-Length (422 when not the signed size), and the row, claimed once (409 on a second PUT).
    Expected<storage::DirectUploadRecord> claimLocalPut(const std::string& uploadId, std::string_view expires,
                                                        std::string_view size, std::string_view signature,
                                                        std::optional<std::int64_t> contentLength);
    // After the body: the temp file (exactly the signed size) becomes the upload's object.
    Status storeLocalPut(const storage::DirectUploadRecord& upload, UploadTempFile file);

    // 201 asset / 200 duplicate as POST /api/assets answers; 404 for someone else's or an unknown upload, 409
    // not_uploaded before the bytes arrived, 422 (and the upload dropped) for a wrong size or checksum, 415 (and
    // the upload dropped) for bytes that are no photo or video.
    Expected<Response> confirm(const std::string& userId, const std::string& uploadId);

    const std::string& tmpDir() const;
    std::uint64_t maxUploadBytes() const;

private:
    void drop(const storage::DirectUploadRecord& upload);

    UploadDeps& upload_;
    blobs::BlobStore& blobs_;
    DirectUploadSigner signer_;
    std::int64_t ttlSeconds_;
};

// The sweep: deletes the object and the row of every upload expired by nowUs (a bounded batch per call; answers
// how many went). The expiry job runs it; idempotent.
Expected<int> sweepExpiredDirectUploads(storage::Storage& storage, blobs::BlobStore& blobs, std::int64_t nowUs);
// Registers the expiry job's kind (before the queue starts).
Status registerDirectUploadJobs(JobQueue& jobs, storage::Storage& storage, blobs::BlobStore& blobs);

}  // namespace obscura::images

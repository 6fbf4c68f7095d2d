#pragma once
// Direct uploads in progress (DESIGN.md section 8): the server handed a client a URL to PUT one object to (S3
// itself, or the server's own signed route with the local store), and waits for the confirm that imports it.
// One row per upload, owned by the user who asked for it. Rows are transient: the confirm deletes its row, and an
// unconfirmed one is deleted by the expiry sweep together with its object. No foreign key to users: a user's
// deletion leaves their pending rows to that sweep, which removes the objects too.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "obscura/base/expected.hpp"

namespace obscura::storage {

struct DirectUploadRecord {
    std::string id;              // a UUID: the uploadId of the API
    std::string ownerId;         // users.id of the caller of upload-url
    std::string objectKey;       // the blob key the client's bytes go to ("direct-uploads/<owner>/<id>")
    std::string fileName;        // the client's file name, sanitised
    std::int64_t sizeBytes = 0;  // announced: the only size the PUT may have
    std::string checksum;        // the client's SHA-1 (hex), "" when not given
    std::string albumId;         // "" when none
    std::string title;
    std::string description;
    std::int64_t createdAtUs = 0;
    std::int64_t expiresAtUs = 0;
    bool received = false;  // the server's own PUT route took the bytes (local store); S3 PUTs never set it
};

class DirectUploadsRepository {
public:
    virtual ~DirectUploadsRepository() = default;
    // Conflict when the id is taken.
    virtual Status createDirectUpload(const DirectUploadRecord& upload) = 0;
    // nullopt when there is no such upload (any owner: the caller checks ownership).
    virtual Expected<std::optional<DirectUploadRecord>> findDirectUpload(const std::string& id) = 0;
    // Marks the upload received, once: true for the one caller that changed it, false when it was received
    // already or does not exist. Two racing PUTs of one URL: exactly one gets true.
    virtual Expected<bool> markDirectUploadReceived(const std::string& id) = 0;
    // False when there was no such row.
    virtual Expected<bool> deleteDirectUpload(const std::string& id) = 0;
    // Up to `limit` uploads with expiresAtUs <= nowUs, soonest expired first.
    virtual Expected<std::vector<DirectUploadRecord>> listExpiredDirectUploads(std::int64_t nowUs, int limit) = 0;
};

}  // namespace obscura::storage

#include "direct/direct_upload_service.hpp"

#include <charconv>

#include "access/access_service.hpp"
#include "obscura/base/clock.hpp"
#include "obscura/base/ids.hpp"
#include "obscura/blobs/blob_store.hpp"
#include "obscura/formats/client_file_name.hpp"
#include "obscura/formats/content_sniffer.hpp"
#include "obscura/images/media_types.hpp"
#include "obscura/kernel/blob_files.hpp"
#include "obscura/kernel/circuit_registry.hpp"
#include "obscura/kernel/job_queue.hpp"
#include "obscura/kernel/log.hpp"
#include "obscura/kernel/storage_calls.hpp"
#include "obscura/storage/storage.hpp"
#include "upload/upload_routes.hpp"

namespace obscura::images {

namespace {

constexpr std::int64_t kUs = 1000000;
constexpr int kSweepBatch = 100;

Expected<std::int64_t> parseCount(std::string_view text) {
    std::int64_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size() || value < 0) {
        return Error(ErrorCode::Forbidden, "this upload URL is not valid");
    }
    return value;
}

bool isSha1Hex(std::string_view text) {
    if (text.size() != 40) return false;
    for (const char c : text)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    return true;
}

std::string lower(std::string text) {
    for (char& c : text)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return text;
}

storage::NewJob expiryJob(const storage::DirectUploadRecord& upload) {
    storage::NewJob job;
    job.id = newUuid();
    job.kind = kDirectUploadExpiryJob;
    job.payload = std::string("{\"uploadId\":\"") + upload.id + "\"}";  // a UUID: nothing to escape
    job.ownerId = upload.ownerId;
    job.dedupeKey = upload.id;
    job.runAfterUs = upload.expiresAtUs;
    return job;
}

FormFields storedFields(const storage::DirectUploadRecord& upload) {
    FormFields fields = {{"title", upload.title}, {"description", upload.description}};
    if (!upload.albumId.empty()) fields.emplace_back("albumId", upload.albumId);
    return fields;
}

Error withReason(Error error, std::string reason) {
    error.reason = std::move(reason);
    return error;
}

}  // namespace

DirectUploadService::DirectUploadService(UploadDeps& upload, blobs::BlobStore& blobs, std::string serverSecret,
                                         std::int64_t ttlSeconds)
    : upload_(upload), blobs_(blobs), signer_(serverSecret), ttlSeconds_(ttlSeconds) {}

const std::string& DirectUploadService::tmpDir() const { return upload_.tmpDir; }

std::uint64_t DirectUploadService::maxUploadBytes() const { return upload_.maxUploadBytes; }

Expected<DirectUploadTicket> DirectUploadService::create(const std::string& userId, const DirectUploadRequest& request,
                                                         const std::string& serverBaseUrl) {
    // No URL to a store whose circuit is open: the client could not use it (503 + Retry-After, like uploads).
    OBSCURA_TRY_STATUS(failFastWhenOpen(upload_.storeCircuit));
    storage::DirectUploadRecord row;
    row.fileName = formats::sanitizeClientFileName(request.fileName);
    if (row.fileName.empty()) return invalid("filename must name the file (it is empty once cleaned)");
    if (request.sizeBytes < 1) return invalid("sizeBytes must be at least 1");
    if (static_cast<std::uint64_t>(request.sizeBytes) > upload_.maxUploadBytes) {
        return Error(ErrorCode::PayloadTooLarge, "sizeBytes is over the largest upload accepted (" +
                                                     std::to_string(upload_.maxUploadBytes) + " bytes)");
    }
    row.checksum = lower(request.checksum);
    if (!row.checksum.empty() && !isSha1Hex(row.checksum))
        return invalid("checksum must be a SHA-1 in hex (40 digits)");
    OBSCURA_TRY(fields, parseUploadFields(request.fields));
    if (fields.albumId) {
        OBSCURA_TRY(album, AccessService(upload_.storage).visibleAlbum(userId, *fields.albumId));
        OBSCURA_TRY_STATUS(requireEditor(album));
        row.albumId = *fields.albumId;
    }
    OBSCURA_TRY_STATUS(remainingQuota(upload_, userId, request.sizeBytes, 0));

    const Clock& clock = upload_.jobs.clock();
    row.id = newUuid();
    row.ownerId = userId;
    row.objectKey = "direct-uploads/" + userId + "/" + row.id;
    row.sizeBytes = request.sizeBytes;
    row.title = fields.title;
    row.description = fields.description;
    row.createdAtUs = clock.nowUs();
    row.expiresAtUs = row.createdAtUs + ttlSeconds_ * kUs;

    DirectUploadTicket ticket;
    ticket.uploadId = row.id;
    ticket.method = "PUT";
    ticket.expiresAtUs = row.expiresAtUs;
    blobs::PutOptions put;
    put.contentLength = static_cast<std::uint64_t>(row.sizeBytes);
    if (auto presigned = blobs_.presignPut(row.objectKey, ttlSeconds_, put)) {
        ticket.url = presigned->url;
        ticket.headers = presigned->headers;
    } else {
        const std::int64_t expires = row.expiresAtUs / kUs;
        ticket.url = serverBaseUrl + "/api/uploads/direct/" + row.id + "?expires=" + std::to_string(expires) +
                     "&size=" + std::to_string(row.sizeBytes) +
                     "&signature=" + signer_.sign(row.id, expires, static_cast<std::uint64_t>(row.sizeBytes));
        ticket.headers = {{"Content-Length", std::to_string(row.sizeBytes)}};
    }
    // The row and its expiry job commit together: no upload can outlive its sweep.
    OBSCURA_TRY_STATUS(upload_.storage.transaction([&](storage::Repositories& tx) -> Status {
        OBSCURA_TRY_STATUS(tx.directUploads().createDirectUpload(row));
        OBSCURA_TRY_STATUS(JobQueue::enqueueIn(tx, expiryJob(row), clock));
        return {};
    }));
    return ticket;
}

Expected<storage::DirectUploadRecord> DirectUploadService::claimLocalPut(const std::string& uploadId,
                                                                         std::string_view expires,
                                                                         std::string_view size,
                                                                         std::string_view signature,
                                                                         std::optional<std::int64_t> contentLength) {
    OBSCURA_TRY(expiresAt, parseCount(expires));
    OBSCURA_TRY(sizeBytes, parseCount(size));
    if (!signer_.verify(uploadId, expiresAt, static_cast<std::uint64_t>(sizeBytes), signature)) {
        return Error(ErrorCode::Forbidden, "this upload URL is not valid");
    }
    if (expiresAt * kUs <= upload_.jobs.clock().nowUs()) {
        return Error(ErrorCode::Forbidden, "this upload URL has expired", "expired");
    }
    if (!contentLength) return badRequest("send the body with a Content-Length of " + std::to_string(sizeBytes));
    if (*contentLength != sizeBytes) {
        return invalid("this URL takes exactly " + std::to_string(sizeBytes) + " bytes, not " +
                       std::to_string(*contentLength));
    }
    OBSCURA_TRY(found, withRepos(upload_.storage, [&](storage::Repositories& repos) {
                    return repos.directUploads().findDirectUpload(uploadId);
                }));
    if (!found) return notFound("no such upload (confirmed or expired already)");
    // Claimed before the body is read, so two PUTs of one URL cannot both write: the second is refused at once.
    OBSCURA_TRY(claimed, withRepos(upload_.storage, [&](storage::Repositories& repos) {
                    return repos.directUploads().markDirectUploadReceived(uploadId);
                }));
    if (!claimed) return Error(ErrorCode::Conflict, "this upload URL has been used already", "already_uploaded");
    return std::move(*found);
}

Status DirectUploadService::storeLocalPut(const storage::DirectUploadRecord& upload, UploadTempFile file) {
    if (file.size() != static_cast<std::uint64_t>(upload.sizeBytes)) {
        return invalid("the body has " + std::to_string(file.size()) + " bytes, not the " +
                       std::to_string(upload.sizeBytes) + " this URL takes");
    }
    return file.putInto(blobs_, upload.objectKey);
}

void DirectUploadService::drop(const storage::DirectUploadRecord& upload) {
    if (auto removed = blobs_.remove(upload.objectKey); !removed) {
        // The row stays: its expiry job tries again.
        log::warn("images: cannot remove direct upload " + upload.objectKey + ": " + removed.error().message);
        return;
    }
    auto deleted = withRepos(upload_.storage, [&](storage::Repositories& repos) {
        return repos.directUploads().deleteDirectUpload(upload.id);
    });
    if (!deleted) log::warn("images: cannot delete direct upload row " + upload.id + ": " + deleted.error().message);
}

Expected<Response> DirectUploadService::confirm(const std::string& userId, const std::string& uploadId) {
    if (!isUuid(uploadId)) return notFound("no such upload");
    OBSCURA_TRY(found, withRepos(upload_.storage, [&](storage::Repositories& repos) {
                    return repos.directUploads().findDirectUpload(uploadId);
                }));
    if (!found || found->ownerId != userId) return notFound("no such upload");
    const storage::DirectUploadRecord& upload = *found;
    if (upload.expiresAtUs <= upload_.jobs.clock().nowUs()) {
        drop(upload);
        return notFound("this upload expired before its confirm");
    }
    auto info = blobs_.stat(upload.objectKey);
    if (!info) {
        if (info.error().code != ErrorCode::NotFound) return std::move(info).error();
        return withReason(Error(ErrorCode::Conflict, "nothing has been uploaded to this upload's URL yet"),
                          "not_uploaded");
    }
    if (info->size != static_cast<std::uint64_t>(upload.sizeBytes)) {
        drop(upload);
        return invalid("the upload has " + std::to_string(info->size) + " bytes, not the " +
                       std::to_string(upload.sizeBytes) + " announced; it was dropped");
    }
    OBSCURA_TRY(head, readBlobHead(blobs_, upload.objectKey, formats::kSniffBytes));
    auto type = sniffMediaType(head);
    if (!type) {
        drop(upload);
        return std::move(type).error();
    }
    // One read front to back: the temp file the import puts into the library, hashed (SHA-1) as it is written.
    OBSCURA_TRY(file, UploadTempFile::create(upload_.tmpDir));
    OBSCURA_TRY_STATUS(
        readBlob(blobs_, upload.objectKey, {}, [&](std::string_view chunk) { return file.write(chunk); }));
    if (!upload.checksum.empty() && formats::toHex(file.digest()) != upload.checksum) {
        drop(upload);
        return invalid("the upload's SHA-1 is not the checksum announced; it was dropped");
    }
    OBSCURA_TRY(fields, parseUploadFields(storedFields(upload)));
    auto answer = importUploadedFile(upload_, userId, std::move(file), **type, upload.fileName, fields);
    // Done, or refused for good (bad bytes): the upload goes. Anything else (quota, an outage) keeps it for a
    // later confirm until it expires.
    if (answer || answer.error().code == ErrorCode::UnsupportedMediaType || answer.error().code == ErrorCode::Invalid)
        drop(upload);
    return answer;
}

Expected<int> sweepExpiredDirectUploads(storage::Storage& storage, blobs::BlobStore& blobs, std::int64_t nowUs) {
    OBSCURA_TRY(expired, withRepos(storage, [&](storage::Repositories& repos) {
                    return repos.directUploads().listExpiredDirectUploads(nowUs, kSweepBatch);
                }));
    int swept = 0;
    for (const auto& upload : expired) {
        // The object first: a row without an object is harmless, an object without a row would never be found.
        OBSCURA_TRY_STATUS(blobs.remove(upload.objectKey));
        OBSCURA_TRY(deleted, withRepos(storage, [&](storage::Repositories& repos) {
                        return repos.directUploads().deleteDirectUpload(upload.id);
                    }));
        swept += deleted ? 1 : 0;
    }
    return swept;
}

Status registerDirectUploadJobs(JobQueue& jobs, storage::Storage& storage, blobs::BlobStore& blobs) {
    JobKindOptions options;
    options.kind = kDirectUploadExpiryJob;
    return jobs.registerKind(options, [&jobs, &storage, &blobs](JobContext&) -> Expected<std::string> {
        OBSCURA_TRY(swept, sweepExpiredDirectUploads(storage, blobs, jobs.clock().nowUs()));
        if (swept > 0) log::info("images: " + std::to_string(swept) + " unconfirmed direct upload(s) expired");
        return std::string("{\"swept\":") + std::to_string(swept) + "}";
    });
}

}  // namespace obscura::images

// Multipart put: initiate, one PUT per part read straight from the temp file (one part's bytes in flight, none
// buffered here), complete; any failure aborts the upload so the store keeps no parts and no object.
#include "s3_multipart.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "s3_store.hpp"
#include "s3_xml.hpp"

namespace obscura::s3 {
namespace {

constexpr std::uint64_t kMaxCopyObjectBytes = 5ULL << 30;  // S3's limit for one CopyObject or UploadPartCopy

// S3 may answer 200 and still fail (complete, copy): the error is then in the body.
bool failedAnswer(const S3Response& r) { return !httpOk(r.status) || r.body.find("<Error>") != std::string::npos; }

std::string partElement(int number, const std::string& etag) {
    return "<Part><PartNumber>" + std::to_string(number) + "</PartNumber><ETag>" + xmlEscape(etag) + "</ETag></Part>";
}

}  // namespace

Expected<MultipartUpload> initiateMultipart(S3Client& client, const std::string& fullKey,
                                            const blobs::PutOptions& options) {
    S3Request init;
    init.method = "POST";
    init.key = fullKey;
    init.query = {{"uploads", ""}};
    if (!options.contentType.empty()) init.headers.push_back("Content-Type: " + options.contentType);
    auto started = client.perform(init);
    if (!started) return started.error();
    if (!httpOk(started->status)) return responseError(*started, "blob put (initiate multipart)");
    MultipartUpload upload;
    upload.fullKey = fullKey;
    upload.uploadId = xmlText(started->body, "UploadId");
    if (upload.uploadId.empty()) return internalError("blob put: S3 gave no UploadId");
    return upload;
}

Expected<std::string> uploadPart(S3Client& client, const MultipartUpload& upload, int number, int fd,
                                 std::uint64_t offset, std::uint64_t length, const std::atomic<bool>* cancel) {
    S3Request part;
    part.method = "PUT";
    part.key = upload.fullKey;
    part.query = {{"partNumber", std::to_string(number)}, {"uploadId", upload.uploadId}};
    part.bodyFd = fd;
    part.bodyOffset = offset;
    part.bodyLength = length;
    part.longTransfer = true;
    part.cancel = cancel;
    auto r = client.perform(part);
    if (!r) return r.error();
    if (!httpOk(r->status)) return responseError(*r, "blob put (part " + std::to_string(number) + ")");
    std::string etag = r->header("etag");
    if (etag.empty()) return internalError("blob put: S3 gave no ETag for a part");
    return etag;
}

Status completeMultipart(S3Client& client, const MultipartUpload& upload) {
    S3Request complete;
    complete.method = "POST";
    complete.key = upload.fullKey;
    complete.query = {{"uploadId", upload.uploadId}};
    complete.headers.push_back("Content-Type: application/xml");
    complete.body = "<CompleteMultipartUpload>";
    for (const auto& [number, etag] : upload.parts) complete.body += partElement(number, etag);
    complete.body += "</CompleteMultipartUpload>";
    complete.longTransfer = true;  // the store may take a while to stitch large objects
    auto done = client.perform(complete);
    if (!done) return done.error();
    if (failedAnswer(*done)) return responseError(*done, "blob put (complete multipart)");
    return {};
}

void abortMultipart(S3Client& client, const MultipartUpload& upload) {
    S3Request req;
    req.method = "DELETE";
    req.key = upload.fullKey;
    req.query = {{"uploadId", upload.uploadId}};
    (void)client.perform(req);
}

Status copyObject(S3Client& client, const std::string& fromFullKey, const std::string& toFullKey, std::uint64_t size,
                  const blobs::PutOptions& options) {
    // The source as S3 wants it: /bucket/key, URL-encoded (the signed path without the endpoint's own prefix).
    const std::string source = "x-amz-copy-source: /" + client.settings().bucket + "/" + uriEncode(fromFullKey, true);
    if (size <= kMaxCopyObjectBytes) {
        S3Request copy;
        copy.method = "PUT";
        copy.key = toFullKey;
        copy.headers = {source};
        copy.longTransfer = true;  // a store without shared tails copies the bytes
        auto r = client.perform(copy);
        if (!r) return r.error();
        if (failedAnswer(*r)) return responseError(*r, "blob put (copy from staging)");
        return {};
    }
    OBSCURA_TRY(upload, initiateMultipart(client, toFullKey, options));
    int number = 1;
    for (std::uint64_t offset = 0; offset < size; offset += kMaxCopyObjectBytes, ++number) {
        const std::uint64_t last = std::min(size, offset + kMaxCopyObjectBytes) - 1;
        S3Request part;
        part.method = "PUT";
        part.key = toFullKey;
        part.query = {{"partNumber", std::to_string(number)}, {"uploadId", upload.uploadId}};
        part.headers = {source,
                        "x-amz-copy-source-range: bytes=" + std::to_string(offset) + "-" + std::to_string(last)};
        part.longTransfer = true;
        auto r = client.perform(part);
        Status status;
        if (!r) {
            status = r.error();
        } else if (failedAnswer(*r)) {
            status = responseError(*r, "blob put (copy part " + std::to_string(number) + ")");
        } else if (std::string etag = xmlText(r->body, "ETag"); etag.empty()) {
            status = internalError("blob put: S3 gave no ETag for a copied part");
        } else {
            upload.parts[number] = std::move(etag);
        }
        if (!status) {
            abortMultipart(client, upload);
            return status;
        }
    }
    if (auto done = completeMultipart(client, upload); !done) {
        abortMultipart(client, upload);
        return done;
    }
    return {};
}

Status S3BlobStore::putMultipart(const std::string& full, const std::string& path, std::uint64_t size,
                                 const blobs::PutOptions& options) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return internalError("cannot open " + path + " for upload");
    auto upload = initiateMultipart(client_, full, options);
    if (!upload) {
        ::close(fd);
        return upload.error();
    }
    const std::uint64_t partSize = client_.settings().partSizeBytes;
    Status status;
    int number = 1;
    for (std::uint64_t offset = 0; status && offset < size; offset += partSize, ++number) {
        auto etag = uploadPart(client_, *upload, number, fd, offset, std::min(partSize, size - offset));
        if (etag) {
            upload->parts[number] = std::move(*etag);
        } else {
            status = etag.error();
        }
    }
    ::close(fd);
    if (status) status = completeMultipart(client_, *upload);
    if (!status) abortMultipart(client_, *upload);
    return status;
}

}  // namespace obscura::s3

// Multipart put: initiate, one PUT per part read straight from the temp file (one part's bytes in flight, none
// buffered here), complete; any failure aborts the upload so the store keeps no parts and no object.
#include <string>
#include <vector>

#include "s3_store.hpp"
#include "s3_xml.hpp"

namespace obscura::s3 {

Status S3BlobStore::putMultipart(const std::string& full, const std::string& path, std::uint64_t size,
                                 const blobs::PutOptions& options) {
    S3Request init;
    init.method = "POST";
    init.key = full;
    init.query = {{"uploads", ""}};
    if (!options.contentType.empty()) init.headers.push_back("Content-Type: " + options.contentType);
    auto started = client_.perform(init);
    if (!started) return started.error();
    if (!httpOk(started->status)) return responseError(*started, "blob put (initiate multipart)");
    const std::string uploadId = xmlText(started->body, "UploadId");
    if (uploadId.empty()) return internalError("blob put: S3 gave no UploadId");

    auto abort = [&](Error error) -> Status {
        S3Request req;
        req.method = "DELETE";
        req.key = full;
        req.query = {{"uploadId", uploadId}};
        (void)client_.perform(req);  // best effort: the store's own lifecycle rules sweep what this misses
        return error;
    };

    const std::uint64_t partSize = client_.settings().partSizeBytes;
    std::string manifest = "<CompleteMultipartUpload>";
    int number = 1;
    for (std::uint64_t offset = 0; offset < size; offset += partSize, ++number) {
        S3Request part;
        part.method = "PUT";
        part.key = full;
        part.query = {{"partNumber", std::to_string(number)}, {"uploadId", uploadId}};
        part.bodyFile = path;
        part.bodyOffset = offset;
        part.bodyLength = std::min(partSize, size - offset);
        part.longTransfer = true;
        auto r = client_.perform(part);
        if (!r) return abort(r.error());
        if (!httpOk(r->status)) return abort(responseError(*r, "blob put (part " + std::to_string(number) + ")"));
        const std::string etag = r->header("etag");
        if (etag.empty()) return abort(internalError("blob put: S3 gave no ETag for a part"));
        manifest +=
            "<Part><PartNumber>" + std::to_string(number) + "</PartNumber><ETag>" + xmlEscape(etag) + "</ETag></Part>";
    }
    manifest += "</CompleteMultipartUpload>";

    S3Request complete;
    complete.method = "POST";
    complete.key = full;
    complete.query = {{"uploadId", uploadId}};
    complete.headers.push_back("Content-Type: application/xml");
    complete.body = std::move(manifest);
    complete.longTransfer = true;  // the store may take a while to stitch large objects
    auto done = client_.perform(complete);
    if (!done) return abort(done.error());
    // S3 may answer 200 and still fail: the error is then in the body.
    if (!httpOk(done->status) || done->body.find("<Error>") != std::string::npos) {
        return abort(responseError(*done, "blob put (complete multipart)"));
    }
    return {};
}

}  // namespace obscura::s3

// Parts kept between requests (blob_store.hpp, BlobPart): a resumable upload is one S3 multipart upload whose
// parts' ETags the caller keeps in its database, so any replica can send the next part or complete it.
#include <fcntl.h>
#include <unistd.h>

#include "s3_multipart.hpp"
#include "s3_store.hpp"

namespace obscura::s3 {

Expected<std::string> S3BlobStore::beginParts(std::string_view key, const blobs::PutOptions& options) {
    if (auto v = blobs::validateKey(key); !v) return v.error();
    OBSCURA_TRY(upload, initiateMultipart(client_, fullKey(key), options));
    return std::move(upload.uploadId);
}

Expected<std::string> S3BlobStore::putPart(std::string_view key, const std::string& partsId, int number,
                                           const std::string& path, std::uint64_t offset, std::uint64_t length) {
    if (auto v = blobs::validateKey(key); !v) return v.error();
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return internalError("cannot open " + path + " for a part");
    auto etag = uploadPart(client_, MultipartUpload{fullKey(key), partsId, {}}, number, fd, offset, length);
    ::close(fd);
    observe("put", etag.ok(), 0, etag ? length : 0);
    return etag;
}

Status S3BlobStore::completeParts(std::string_view key, const std::string& partsId,
                                  const std::vector<blobs::BlobPart>& parts) {
    if (auto v = blobs::validateKey(key); !v) return v;
    MultipartUpload upload{fullKey(key), partsId, {}};
    for (const auto& part : parts) upload.parts[part.number] = part.etag;
    return completeMultipart(client_, upload);
}

Status S3BlobStore::dropParts(std::string_view key, const std::string& partsId) {
    if (auto v = blobs::validateKey(key); !v) return v;
    S3Request req;
    req.method = "DELETE";
    req.key = fullKey(key);
    req.query = {{"uploadId", partsId}};
    auto r = client_.perform(req);
    if (!r) return r.error();
    if (!httpOk(r->status) && r->status != 404) return responseError(*r, "blob parts (abort multipart)");
    return {};
}

}  // namespace obscura::s3

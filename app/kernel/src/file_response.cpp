#include "obscura/kernel/file_response.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>

#include "obscura/base/http_date.hpp"
#include "obscura/blobs/blob_store.hpp"
#include "obscura/kernel/byte_range.hpp"
#include "obscura/kernel/conditional_request.hpp"

namespace obscura {

namespace {

Response rangeNotSatisfiable(const Request& req, std::uint64_t size) {
    const nlohmann::json body = {
        {"error",
         {{"code", "range_not_satisfiable"},
          {"message", "the requested range starts beyond the end of the file (" + std::to_string(size) + " bytes)"},
          {"requestId", req.requestId}}}};
    Response response = Response::json(416, body.dump());
    response.headers.set("Content-Range", "bytes */" + std::to_string(size));
    return response;
}

}  // namespace

namespace {

struct Validators {
    std::uint64_t size = 0;
    std::string etag;
    std::int64_t modified = 0;
    std::optional<std::string> localFile;  // send this file; nullopt: stream from the store
};

Expected<Validators> statPath(const std::string& path, const Error& missing) {
    struct stat st {};
    const int statErr = ::stat(path.c_str(), &st) == 0 ? 0 : errno;
    if (statErr != 0 || !S_ISREG(st.st_mode)) {
        if (statErr == 0 || statErr == ENOENT || statErr == ENOTDIR) return missing;
        return internalError("cannot stat " + path + ": " + std::strerror(statErr));
    }
    return Validators{static_cast<std::uint64_t>(st.st_size),
                      "\"" + std::to_string(st.st_size) + "-" + std::to_string(st.st_mtim.tv_sec) + "." +
                          std::to_string(st.st_mtim.tv_nsec) + "\"",
                      static_cast<std::int64_t>(st.st_mtim.tv_sec), path};
}

Expected<Validators> statBlob(blobs::BlobStore& store, const std::string& key, const Error& missing) {
    auto info = store.stat(key);
    if (!info) return info.error().code == ErrorCode::NotFound ? missing : info.error();
    return Validators{info->size, info->etag, info->modifiedAt, store.localPath(key)};
}

}  // namespace

Expected<Response> FileResponse::answer(const Request& req, Error missing) const {
    OBSCURA_TRY(found, store != nullptr ? statBlob(*store, key, missing) : statPath(path, missing));
    const std::uint64_t size = found.size;
    const std::string tag = !etag.empty() ? etag : found.etag;
    const std::int64_t modified = lastModified.value_or(found.modified);

    Response response;
    response.headers.set("ETag", tag);
    response.headers.set("Last-Modified", formatHttpDate(modified));
    if (!cacheControl.empty()) response.headers.set("Cache-Control", cacheControl);
    if (notModified(req.headers.get("If-None-Match"), req.headers.get("If-Modified-Since"), tag, modified)) {
        response.status = 304;
        return response;
    }
    response.headers.set("Content-Type", contentType);
    response.headers.set("Accept-Ranges", "bytes");
    if (sandbox) response.headers.set("Content-Security-Policy", "sandbox");
    if (!disposition.empty()) response.headers.set("Content-Disposition", disposition);

    ByteRange range;
    if (auto header = req.headers.get("Range"); header && ifRangeAllows(req.headers.get("If-Range"), tag, modified)) {
        range = parseByteRange(*header, size);
    }
    if (range.kind == ByteRange::Kind::Unsatisfiable) return rangeNotSatisfiable(req, size);
    std::uint64_t offset = 0;
    std::uint64_t bodyBytes = size;
    if (range.kind == ByteRange::Kind::Partial) {
        response.status = 206;
        response.headers.set("Content-Range", "bytes " + std::to_string(range.offset) + "-" +
                                                  std::to_string(range.offset + range.length - 1) + "/" +
                                                  std::to_string(size));
        offset = range.offset;
        bodyBytes = range.length;
    } else {
        response.status = 200;
    }
    if (found.localFile) {
        response.file = FileBody{*found.localFile, offset, bodyBytes};
    } else {
        auto reader = store->open(key, blobs::BlobRange{offset, bodyBytes});
        if (!reader) return reader.error().code == ErrorCode::NotFound ? missing : std::move(reader).error();
        response.blob = std::shared_ptr<blobs::BlobReader>(std::move(*reader));
    }
    if (countBody && req.method != Method::Head) countBody(bodyBytes);
    return response;
}

}  // namespace obscura

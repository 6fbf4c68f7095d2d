#include "obscura/kernel/file_response.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>

#include "obscura/base/http_date.hpp"
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

Expected<Response> FileResponse::answer(const Request& req, Error missing) const {
    struct stat st {};
    const int statErr = ::stat(path.c_str(), &st) == 0 ? 0 : errno;
    if (statErr != 0 || !S_ISREG(st.st_mode)) {
        if (statErr == 0 || statErr == ENOENT || statErr == ENOTDIR) return missing;
        return internalError("cannot stat " + path + ": " + std::strerror(statErr));
    }
    const auto size = static_cast<std::uint64_t>(st.st_size);
    const std::string tag = !etag.empty()
                                ? etag
                                : "\"" + std::to_string(st.st_size) + "-" + std::to_string(st.st_mtim.tv_sec) + "." +
                                      std::to_string(st.st_mtim.tv_nsec) + "\"";
    const std::int64_t modified = lastModified.value_or(static_cast<std::int64_t>(st.st_mtim.tv_sec));

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
    std::uint64_t bodyBytes = size;
    if (range.kind == ByteRange::Kind::Partial) {
        response.status = 206;
        response.headers.set("Content-Range", "bytes " + std::to_string(range.offset) + "-" +
                                                  std::to_string(range.offset + range.length - 1) + "/" +
                                                  std::to_string(size));
        response.file = FileBody{path, range.offset, range.length};
        bodyBytes = range.length;
    } else {
        response.status = 200;
        response.file = FileBody{path, 0, size};
    }
    if (countBody && req.method != Method::Head) countBody(bodyBytes);
    return response;
}

}  // namespace obscura

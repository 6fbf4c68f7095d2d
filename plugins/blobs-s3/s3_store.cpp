#include "s3_store.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <ctime>

#include "obscura/base/http_date.hpp"
#include "s3_xml.hpp"

namespace obscura::s3 {
namespace {

class Timer {
public:
    double seconds() const { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count(); }

private:
    std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

}  // namespace

blobs::BlobInfo infoFromHeaders(const S3Response& response, std::uint64_t size) {
    blobs::BlobInfo info;
    info.size = size;
    info.etag = response.header("etag");
    if (!info.etag.empty() && info.etag.front() != '"') info.etag = "\"" + info.etag + "\"";
    if (const auto t = parseHttpDate(response.header("last-modified"))) info.modifiedAt = *t;
    return info;
}

S3BlobStore::S3BlobStore(S3Settings settings, std::function<void(const blobs::BlobOperation&)> observe)
    : client_(std::move(settings)), observe_(std::move(observe)) {}

void S3BlobStore::observe(std::string_view op, bool ok, double seconds, std::uint64_t bytes) const {
    if (observe_) observe_(blobs::BlobOperation{op, ok, seconds, bytes});
}

Status S3BlobStore::check() {
    const S3Settings& s = client_.settings();
    S3Request req;
    req.query = {{"list-type", "2"}, {"max-keys", "1"}};
    auto r = client_.perform(req);
    if (!r) {
        return Error(r.error().code, "blobs.s3.endpoint: " + r.error().message + " (bucket '" + s.bucket + "')");
    }
    if (httpOk(r->status)) return {};
    const std::string code = errorCode(r->body);
    const std::string answer = " (S3 answered " + std::to_string(r->status) + (code.empty() ? "" : " " + code) + ")";
    if (code == "InvalidAccessKeyId") {
        return invalid("blobs.s3.accessKeyId: " + s.endpoint + " does not know access key '" + s.accessKeyId + "'" +
                       answer);
    }
    if (code == "SignatureDoesNotMatch") {
        return invalid("blobs.s3.secretAccessKey: " + s.endpoint + " refused the signature: wrong secret key" + answer);
    }
    if (code == "NoSuchBucket" || r->status == 404) {
        return invalid("blobs.s3.bucket: no bucket '" + s.bucket + "' at " + s.endpoint + answer);
    }
    if (code == "AuthorizationHeaderMalformed" || code == "PermanentRedirect" || r->status == 301) {
        return invalid("blobs.s3.region: '" + s.region + "' is not the bucket's region" + answer);
    }
    if (r->status == 403) {
        return invalid("blobs.s3.bucket: access key '" + s.accessKeyId + "' may not list bucket '" + s.bucket + "'" +
                       answer);
    }
    return invalid("blobs.s3.endpoint: " + s.endpoint + " did not answer like S3" + answer);
}

Status S3BlobStore::ping() {
    S3Request req;
    req.method = "HEAD";
    auto r = client_.perform(req);
    if (!r) return r.error();
    if (!httpOk(r->status)) return unavailable("S3 bucket answered " + std::to_string(r->status)).retryAfter(5);
    return {};
}

Status S3BlobStore::put(std::string_view key, const std::string& tempPath, const blobs::PutOptions& options) {
    if (auto v = blobs::validateKey(key); !v) return v;
    Timer timer;
    struct stat st {};
    if (::stat(tempPath.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
        return internalError("blob put: no file at " + tempPath);
    }
    const auto size = static_cast<std::uint64_t>(st.st_size);
    Status result = putFile(fullKey(key), tempPath, size, options);
    if (result) ::unlink(tempPath.c_str());  // the contract: on success the temp file is gone
    observe("put", result.ok(), timer.seconds(), result ? size : 0);
    return result;
}

Status S3BlobStore::putFile(const std::string& full, const std::string& path, std::uint64_t size,
                            const blobs::PutOptions& options) {
    return size > client_.settings().multipartThresholdBytes ? putMultipart(full, path, size, options)
                                                             : putSingle(full, path, size, options);
}

Status S3BlobStore::putSingle(const std::string& full, const std::string& path, std::uint64_t size,
                              const blobs::PutOptions& options) {
    S3Request req;
    req.method = "PUT";
    req.key = full;
    req.bodyFile = path;
    req.bodyLength = size;
    req.longTransfer = true;
    if (!options.contentType.empty()) req.headers.push_back("Content-Type: " + options.contentType);
    auto r = client_.perform(req);
    if (!r) return r.error();
    if (!httpOk(r->status)) return responseError(*r, "blob put");
    return {};
}

Expected<std::unique_ptr<blobs::BlobReader>> S3BlobStore::open(std::string_view key, const blobs::BlobRange& range) {
    if (auto v = blobs::validateKey(key); !v) return v.error();
    Timer timer;
    auto reader = openS3Reader(*this, fullKey(key), range);
    observe("open", reader.ok() || reader.error().code == ErrorCode::NotFound, timer.seconds(), 0);
    return reader;
}

Expected<blobs::BlobInfo> S3BlobStore::stat(std::string_view key) {
    if (auto v = blobs::validateKey(key); !v) return v.error();
    Timer timer;
    S3Request req;
    req.method = "HEAD";
    req.key = fullKey(key);
    auto r = client_.perform(req);
    Expected<blobs::BlobInfo> result = internalError("unreached");
    if (!r) {
        result = r.error();
    } else if (r->status == 404) {
        result = notFound("no blob '" + std::string(key) + "'");
    } else if (!httpOk(r->status)) {
        result = responseError(*r, "blob stat");
    } else {
        result = infoFromHeaders(*r, std::stoull("0" + r->header("content-length")));
    }
    observe("stat", result.ok() || result.error().code == ErrorCode::NotFound, timer.seconds(), 0);
    return result;
}

Status S3BlobStore::remove(std::string_view key) {
    if (auto v = blobs::validateKey(key); !v) return v;
    Timer timer;
    S3Request req;
    req.method = "DELETE";
    req.key = fullKey(key);
    auto r = client_.perform(req);
    Status result;
    if (!r) {
        result = r.error();
    } else if (!httpOk(r->status) && r->status != 404) {
        result = responseError(*r, "blob remove");
    }
    observe("remove", result.ok(), timer.seconds(), 0);
    return result;
}

Status S3BlobStore::removePrefix(std::string_view prefix) {
    if (auto v = blobs::validatePrefix(prefix); !v) return v;
    if (prefix.empty()) return invalid("blob removePrefix: refusing to remove every object at once");
    // Pages are listed again from the start each round: deleting while paging after a key is just as right, but
    // restarting keeps no state and the listing shrinks as it goes.
    while (true) {
        auto page = list(prefix, std::string(), 1000);
        if (!page) return page.error();
        for (const auto& entry : page->entries) {
            if (auto r = remove(entry.key); !r) return r;
        }
        if (page->next.empty()) return {};
    }
}

Expected<blobs::BlobPage> S3BlobStore::list(std::string_view prefix, const std::string& continuation,
                                            std::size_t limit) {
    if (auto v = blobs::validatePrefix(prefix); !v) return v.error();
    if (limit < 1 || limit > 1000) return invalid("blob list: limit must be 1..1000");
    Timer timer;
    const std::string& base = client_.settings().prefix;
    S3Request req;
    req.query = {{"list-type", "2"}, {"max-keys", std::to_string(limit)}, {"prefix", base + std::string(prefix)}};
    // The continuation is the last key of the previous page: start-after resumes there, and a caller (migration)
    // may resume from any key it remembers.
    if (!continuation.empty()) req.query.emplace_back("start-after", base + continuation);
    req.maxResponseBytes = 8 << 20;
    auto r = client_.perform(req);
    Expected<blobs::BlobPage> result = internalError("unreached");
    if (!r) {
        result = r.error();
    } else if (!httpOk(r->status)) {
        result = responseError(*r, "blob list");
    } else {
        ListResult listed = parseListObjectsV2(r->body);
        blobs::BlobPage page;
        for (auto& object : listed.objects) {
            if (object.key.compare(0, base.size(), base) != 0) continue;
            page.entries.push_back({object.key.substr(base.size()), object.size, object.modifiedAt});
        }
        if (listed.truncated && !page.entries.empty()) page.next = page.entries.back().key;
        result = std::move(page);
    }
    observe("list", result.ok(), timer.seconds(), 0);
    return result;
}

std::optional<blobs::PresignedRequest> S3BlobStore::presign(const std::string& method, std::string_view key,
                                                            std::int64_t ttlSeconds, QueryParams query,
                                                            std::vector<std::pair<std::string, std::string>> headers) {
    if (!blobs::validateKey(key) || ttlSeconds < 1) return std::nullopt;
    const S3Settings& s = client_.settings();
    PresignInput in;
    in.method = method;
    in.scheme = s.scheme;
    in.host = s.requestHost();
    in.path = client_.objectPath(fullKey(key));
    in.extraQuery = std::move(query);
    in.headers = headers;
    in.region = s.region;
    in.accessKeyId = s.accessKeyId;
    in.secretAccessKey = s.secretAccessKey;
    in.now = static_cast<std::int64_t>(std::time(nullptr));
    in.ttlSeconds = std::min<std::int64_t>(ttlSeconds, 7 * 24 * 3600);  // SigV4's longest
    blobs::PresignedRequest out;
    out.method = method;
    out.url = presignUrl(in);
    out.expiresAt = in.now + in.ttlSeconds;
    for (auto& [name, value] : headers) {
        out.headers.emplace_back(name == "content-type"     ? "Content-Type"
                                 : name == "content-length" ? "Content-Length"
                                                            : name,
                                 value);
    }
    observe("presign", true, 0, 0);
    return out;
}

std::optional<blobs::PresignedRequest> S3BlobStore::presignGet(std::string_view key, std::int64_t ttlSeconds,
                                                               const blobs::PresignGetOptions& options) {
    QueryParams query;
    if (!options.responseContentType.empty()) query.emplace_back("response-content-type", options.responseContentType);
    if (!options.responseContentDisposition.empty()) {
        query.emplace_back("response-content-disposition", options.responseContentDisposition);
    }
    return presign("GET", key, ttlSeconds, std::move(query), {});
}

std::optional<blobs::PresignedRequest> S3BlobStore::presignPut(std::string_view key, std::int64_t ttlSeconds,
                                                               const blobs::PutOptions& options) {
    std::vector<std::pair<std::string, std::string>> headers;
    // Signed, so the client must send exactly this type: the URL grants one object with one type.
    if (!options.contentType.empty()) headers.emplace_back("content-type", options.contentType);
    // Signed too when announced: a body of any other length changes the canonical request, and the store answers
    // 403, so the URL cannot be used to store more (or less) than the server agreed to.
    if (options.contentLength) headers.emplace_back("content-length", std::to_string(*options.contentLength));
    return presign("PUT", key, ttlSeconds, {}, std::move(headers));
}

}  // namespace obscura::s3

#include "s3_client.hpp"

#include <curl/curl.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <random>
#include <thread>

namespace obscura::s3 {
namespace {

struct Transfer {
    const S3Request* request = nullptr;
    S3Response* response = nullptr;
    int fd = -1;
    std::uint64_t sent = 0;
    bool overflow = false;
};

std::size_t onBody(char* data, std::size_t size, std::size_t count, void* user) {
    auto* t = static_cast<Transfer*>(user);
    const std::size_t n = size * count;
    if (t->response->body.size() + n > t->request->maxResponseBytes) {
        t->overflow = true;
        return 0;  // aborts the transfer: never buffer more than asked for
    }
    t->response->body.append(data, n);
    return n;
}

std::size_t onHeader(char* data, std::size_t size, std::size_t count, void* user) {
    auto* t = static_cast<Transfer*>(user);
    const std::size_t n = size * count;
    std::string_view line(data, n);
    if (line.rfind("HTTP/", 0) == 0) {
        t->response->headers.clear();  // a 100 Continue or a redirect's headers are not the answer's
        return n;
    }
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) return n;
    std::string name(line.substr(0, colon));
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
    while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' ')) {
        value.remove_suffix(1);
    }
    t->response->headers[name] = std::string(value);
    return n;
}

std::size_t onRead(char* buffer, std::size_t size, std::size_t count, void* user) {
    auto* t = static_cast<Transfer*>(user);
    const std::uint64_t left = t->request->bodyLength - t->sent;
    const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(left, size * count));
    if (want == 0) return 0;
    const ssize_t got = ::pread(t->fd, buffer, want, static_cast<off_t>(t->request->bodyOffset + t->sent));
    if (got <= 0) return CURL_READFUNC_ABORT;  // the file shrank or failed: never send a short object
    t->sent += static_cast<std::uint64_t>(got);
    return static_cast<std::size_t>(got);
}

// Progress callback: a non-zero answer makes libcurl stop the transfer (CURLE_ABORTED_BY_CALLBACK).
int onProgress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
    return static_cast<const std::atomic<bool>*>(user)->load() ? 1 : 0;
}

bool transient(CURLcode code) {
    switch (code) {
        case CURLE_COULDNT_CONNECT:
        case CURLE_COULDNT_RESOLVE_HOST:
        case CURLE_OPERATION_TIMEDOUT:
        case CURLE_SEND_ERROR:
        case CURLE_RECV_ERROR:
        case CURLE_GOT_NOTHING:
        case CURLE_PARTIAL_FILE:
        case CURLE_SSL_CONNECT_ERROR:
        case CURLE_HTTP2:
        case CURLE_HTTP2_STREAM:
            return true;
        default:
            return false;
    }
}

}  // namespace

std::string errorCode(std::string_view xml) {
    const std::size_t open = xml.find("<Code>");
    if (open == std::string_view::npos) return {};
    const std::size_t close = xml.find("</Code>", open);
    if (close == std::string_view::npos) return {};
    return std::string(xml.substr(open + 6, close - open - 6));
}

Error responseError(const S3Response& response, std::string_view what) {
    std::string code = errorCode(response.body);
    std::string text = std::string(what) + ": S3 answered " + std::to_string(response.status);
    if (!code.empty()) text += " " + code;
    if (response.status == 404) return notFound(text);
    if (response.status >= 500 || response.status == 429) return unavailable(text).retryAfter(5);
    return internalError(text);
}

S3Client::S3Client(S3Settings settings)
    : settings_(std::move(settings)),
      userpwd_(settings_.accessKeyId + ":" + settings_.secretAccessKey),
      sigv4_("aws:amz:" + settings_.region + ":s3") {}

S3Client::~S3Client() {
    for (void* h : pool_) curl_easy_cleanup(static_cast<CURL*>(h));
}

std::string S3Client::objectPath(std::string_view fullKey) const {
    std::string path = settings_.bucketPath();
    if (!fullKey.empty()) path += "/" + uriEncode(fullKey, true);
    return path.empty() ? std::string("/") : path;
}

void* S3Client::takeHandle() {
    {
        std::lock_guard lock(poolMutex_);
        if (!pool_.empty()) {
            void* h = pool_.back();
            pool_.pop_back();
            return h;
        }
    }
    return curl_easy_init();
}

void S3Client::giveHandle(void* handle) {
    std::lock_guard lock(poolMutex_);
    if (pool_.size() < 32) {
        pool_.push_back(handle);
        return;
    }
    curl_easy_cleanup(static_cast<CURL*>(handle));
}

Expected<S3Response> S3Client::attempt(void* handle, const S3Request& req, const std::string& url, bool& retryable) {
    CURL* c = static_cast<CURL*>(handle);
    curl_easy_reset(c);
    S3Response response;
    // One allocation of the known size: a string doubling its way up to 8 MiB leaves the heap with freed blocks
    // of every size between, which showed as tens of MiB of peak RSS over a long read.
    if (req.reserveResponse) response.body.reserve(req.maxResponseBytes);
    Transfer t{&req, &response};
    curl_easy_setopt(c, CURLOPT_URL, url.c_str());
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_AWS_SIGV4, sigv4_.c_str());
    curl_easy_setopt(c, CURLOPT_USERPWD, userpwd_.c_str());
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, 5000L);
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1024L);
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, 30L);
    if (!req.longTransfer) curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, onBody);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &t);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, onHeader);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &t);
    if (req.cancel != nullptr) {
        curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
        curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, onProgress);
        curl_easy_setopt(c, CURLOPT_XFERINFODATA, const_cast<std::atomic<bool>*>(req.cancel));
    }

    curl_slist* headers = nullptr;
    // 7.88 signs this header's value as the payload hash but never adds it; S3 requires it.
    headers = curl_slist_append(headers, "x-amz-content-sha256: UNSIGNED-PAYLOAD");
    // No "Expect:" here to drop 100-continue: 7.88 would sign that empty header, which is never sent.
    for (const auto& h : req.headers) headers = curl_slist_append(headers, h.c_str());

    if (req.method == "HEAD") {
        curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
    } else if (req.method == "PUT") {
        t.fd = req.bodyFd >= 0        ? req.bodyFd
               : req.bodyFile.empty() ? -1
                                      : ::open(req.bodyFile.c_str(), O_RDONLY | O_CLOEXEC);
        if (!req.bodyFile.empty() && t.fd < 0) {
            curl_slist_free_all(headers);
            retryable = false;
            return internalError("cannot open " + req.bodyFile + " for upload");
        }
        curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
        curl_easy_setopt(c, CURLOPT_READFUNCTION, onRead);
        curl_easy_setopt(c, CURLOPT_READDATA, &t);
        curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(req.bodyLength));
    } else if (req.method == "POST") {
        curl_easy_setopt(c, CURLOPT_POST, 1L);
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, req.body.c_str());
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(req.body.size()));
    } else if (req.method != "GET") {
        curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, req.method.c_str());
    }
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);

    const CURLcode rc = curl_easy_perform(c);
    if (t.fd >= 0 && t.fd != req.bodyFd) ::close(t.fd);
    curl_slist_free_all(headers);
    if (rc != CURLE_OK) {
        if (t.overflow) {
            retryable = false;
            return internalError("S3 answer to " + req.method + " is larger than expected");
        }
        if (req.cancel != nullptr && req.cancel->load()) {
            retryable = false;
            return internalError("S3 " + req.method + " cancelled");
        }
        if (rc == CURLE_ABORTED_BY_CALLBACK || rc == CURLE_READ_ERROR) {
            retryable = false;  // our side: the file being uploaded shrank or could not be read
            return internalError("blob put: " + req.bodyFile + " could not be read to its end");
        }
        retryable = transient(rc);
        return unavailable("cannot reach " + settings_.endpoint + ": " + curl_easy_strerror(rc)).retryAfter(5);
    }
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &response.status);
    retryable = response.status >= 500 || response.status == 429;
    return response;
}

Expected<S3Response> S3Client::perform(const S3Request& req) {
    if (!breaker_.allow()) {
        return unavailable("S3 store " + settings_.endpoint + " is failing; not tried for a few seconds")
            .retryAfter(breaker_.retryAfterSeconds());
    }
    std::string url = settings_.scheme + "://" + settings_.requestHost() + objectPath(req.key);
    if (!req.query.empty()) url += "?" + canonicalQuery(req.query);

    thread_local std::minstd_rand rng{std::random_device{}()};
    void* handle = takeHandle();
    if (handle == nullptr) return internalError("curl_easy_init failed");
    Expected<S3Response> result = internalError("no attempt made");
    for (int i = 0; i < kAttempts; ++i) {
        if (i > 0) {
            // 100 ms, 400 ms, 1.6 s, each with up to half again of jitter so replicas do not retry in step.
            const int base = 100 << (2 * (i - 1));
            std::this_thread::sleep_for(std::chrono::milliseconds(base + static_cast<int>(rng() % (base / 2 + 1))));
        }
        bool retryable = false;
        result = attempt(handle, req, url, retryable);
        if (!retryable) break;
    }
    giveHandle(handle);
    const bool failed = !result.ok() ? result.error().code == ErrorCode::Unavailable : result->status >= 500;
    if (failed) {
        breaker_.failure();
        if (result.ok()) return responseError(*result, req.method + " " + settings_.bucket);
    } else {
        breaker_.success();
    }
    return result;
}

}  // namespace obscura::s3

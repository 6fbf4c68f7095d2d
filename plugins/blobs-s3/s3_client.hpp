#pragma once
// One S3 request over libcurl, signed by CURLOPT_AWS_SIGV4, with the two things 7.88 leaves to the caller (the
// x-amz-content-sha256 header and a canonical query string), retries with backoff on 5xx, 429 and transport
// errors, and a circuit breaker so a dead store answers 503 at once instead of after every request's retries.
// Easy handles are pooled so their connections are reused.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "obscura/base/circuit_breaker.hpp"
#include "obscura/base/expected.hpp"
#include "s3_settings.hpp"
#include "sigv4.hpp"

namespace obscura::s3 {

struct S3Request {
    std::string method = "GET";  // GET HEAD PUT POST DELETE
    std::string key;             // the object's full key (prefix applied); empty = the bucket itself
    QueryParams query;
    std::vector<std::string> headers;  // "Name: value"
    std::string body;                  // POST bodies (XML)
    std::string bodyFile;              // PUT bodies: [bodyOffset, bodyOffset + bodyLength) of this file
    int bodyFd = -1;                   // or an open file of the caller's (read with pread, left open)
    std::uint64_t bodyOffset = 0;
    std::uint64_t bodyLength = 0;
    std::size_t maxResponseBytes = 1 << 20;     // a longer answer is cut off as an error: memory stays bounded
    bool reserveResponse = false;               // allocate maxResponseBytes up front (ranged reads: no regrowth)
    bool longTransfer = false;                  // no overall time limit, only a minimum rate
    const std::atomic<bool>* cancel = nullptr;  // when set and true, the transfer stops (not retried)
};

struct S3Response {
    long status = 0;
    std::string body;
    std::map<std::string, std::string> headers;  // lower-case names
    std::string header(const std::string& name) const {
        const auto it = headers.find(name);
        return it == headers.end() ? std::string() : it->second;
    }
};

inline bool httpOk(long status) { return status >= 200 && status < 300; }

// The <Code> of an S3 error document ("NoSuchBucket"), or "".
std::string errorCode(std::string_view xml);
// Error for a final non-2xx answer: 404 NotFound, 5xx Unavailable, others Internal, with S3's code in the text.
Error responseError(const S3Response& response, std::string_view what);

class S3Client {
public:
    explicit S3Client(S3Settings settings);
    ~S3Client();
    S3Client(const S3Client&) = delete;
    S3Client& operator=(const S3Client&) = delete;

    // A response for any final HTTP status (the caller judges it); Unavailable when the store could not be
    // reached, answered 5xx through every retry, or the breaker is open.
    Expected<S3Response> perform(const S3Request& request);
    const S3Settings& settings() const { return settings_; }
    const CircuitBreaker& breaker() const { return breaker_; }
    std::string objectPath(std::string_view fullKey) const;  // encoded "/bucket/key" as signed

    static constexpr int kAttempts = 4;

private:
    void* takeHandle();
    void giveHandle(void* handle);
    Expected<S3Response> attempt(void* handle, const S3Request& request, const std::string& url, bool& retryable);

    S3Settings settings_;
    std::string userpwd_;
    std::string sigv4_;
    std::mutex poolMutex_;
    std::vector<void*> pool_;
    CircuitBreaker breaker_{"s3", 5, std::chrono::seconds(5)};
};

}  // namespace obscura::s3

#pragma once
// AWS Signature V4 pieces the plugin computes itself: libcurl's CURLOPT_AWS_SIGV4 signs ordinary requests, but
// 7.88 neither canonicalises the query string (parameters must already be sorted, each with '=') nor presigns
// URLs. Pure functions over OpenSSL, unit-tested against AWS's published example.
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace obscura::s3 {

using QueryParams = std::vector<std::pair<std::string, std::string>>;

// RFC 3986 percent-encoding as SigV4 wants it: unreserved characters (A-Z a-z 0-9 - . _ ~) stay, every other
// byte becomes %XX (upper-case hex); '/' stays too when keepSlash (object keys in a path).
std::string uriEncode(std::string_view text, bool keepSlash);

// "a=1&b=&c=x%2Fy": names and values encoded, sorted by encoded name then value, '=' always present.
std::string canonicalQuery(QueryParams params);

std::string sha256Hex(std::string_view data);
std::string hmacSha256(std::string_view key, std::string_view data);  // raw 32 bytes
std::string hexEncode(std::string_view bytes);

// "20130524T000000Z" and "20130524" for seconds since the epoch (UTC).
std::string amzDate(std::int64_t epochSeconds);

struct PresignInput {
    std::string method;      // "GET" or "PUT"
    std::string scheme;      // "http" or "https"
    std::string host;        // as sent in the Host header: "127.0.0.1:7480", "bucket.s3.example.org"
    std::string path;        // already encoded: "/bucket/key%20name"
    QueryParams extraQuery;  // response-content-type and the like; signed
    std::vector<std::pair<std::string, std::string>> headers;  // besides host, signed (lower-case names)
    std::string region;
    std::string accessKeyId;
    std::string secretAccessKey;
    std::int64_t now = 0;
    std::int64_t ttlSeconds = 0;
};

// A query-string-signed URL (X-Amz-Algorithm … X-Amz-Signature), payload UNSIGNED-PAYLOAD.
std::string presignUrl(const PresignInput& in);

}  // namespace obscura::s3

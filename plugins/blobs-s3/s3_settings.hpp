#pragma once
// blobs.s3.* (DESIGN §8) as the plugin reads them: the executable hands them over as text keyed without the
// prefix; every refusal names the full setting so a start-up error says what to fix.
#include <cstdint>
#include <map>
#include <string>

#include "obscura/base/expected.hpp"

namespace obscura::s3 {

struct S3Settings {
    std::string scheme;  // "http" or "https", from endpoint
    std::string host;    // "127.0.0.1:7480": authority of endpoint, as sent in Host
    std::string endpoint;
    std::string region = "us-east-1";
    std::string bucket;
    std::string accessKeyId;
    std::string secretAccessKey;  // never logged
    bool pathStyle = true;
    std::string prefix;  // "" or "some/folder/": prepended to every key
    std::uint64_t multipartThresholdBytes = 64ULL << 20;
    std::uint64_t partSizeBytes = 16ULL << 20;
    std::int64_t presignTtlSeconds = 900;
    std::string tmpDir;  // <dataDir>/tmp

    // "http://127.0.0.1:7480/bucket" (path style) or "http://bucket.host" (virtual-hosted), no trailing '/'.
    std::string bucketUrl() const;
    // The Host header and the path prefix matching bucketUrl().
    std::string requestHost() const;
    std::string bucketPath() const;  // "/bucket" or ""
};

Expected<S3Settings> parseS3Settings(const std::map<std::string, std::string>& settings, const std::string& dataDir);

}  // namespace obscura::s3

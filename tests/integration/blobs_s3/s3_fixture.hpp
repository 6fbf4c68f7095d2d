#pragma once
// Opens obscura_blobs_s3.so from the build's plugin folder against the test gateway (OBSCURA_TEST_S3_*), each
// test under its own random prefix so tests share one bucket without seeing each other.
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "obscura/blobs/blob_store.hpp"

namespace obscura::s3test {

// The gateway's settings (endpoint, region, bucket, accessKeyId, secretAccessKey); exits 77 when unset.
std::map<std::string, std::string> gatewaySettings();
// The plugin's factory (dlopen'd once, never closed).
blobs::BlobStoreFactory& factory();
Expected<std::unique_ptr<blobs::BlobStore>> openStore(const std::map<std::string, std::string>& settings);

struct S3Fixture {
    S3Fixture();
    ~S3Fixture();
    std::string prefix;  // "t-<random>/"
    std::string tmp;     // a private folder for files to put
    std::map<std::string, std::string> settings;
    std::unique_ptr<blobs::BlobStore> store;
    std::string file(const std::string& bytes);  // a new file in tmp
};

std::string randomBytes(std::size_t n, unsigned seed);
std::string readAll(blobs::BlobReader& reader);
// A plain HTTP request with libcurl (no signing): status and body.
struct HttpAnswer {
    long status = 0;
    std::string body;
};
HttpAnswer http(const std::string& method, const std::string& url, const std::string& body = {},
                const std::vector<std::pair<std::string, std::string>>& headers = {});
// Signed GET of the raw bucket (ListMultipartUploads), for checks the BlobStore interface cannot make.
std::string signedGet(const std::string& pathAndQuery);

}  // namespace obscura::s3test

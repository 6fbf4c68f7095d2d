#include "s3_test_blobs.hpp"

#include <curl/curl.h>
#include <unistd.h>

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <functional>

#include "obscura/kernel/config.hpp"
#include "test_support.hpp"

namespace obscura::test {
namespace {

std::string s3Env(const char* name) {
    const char* v = std::getenv(name);
    return v == nullptr ? std::string() : std::string(v);
}

std::size_t collect(char* data, std::size_t size, std::size_t count, void* user) {
    static_cast<std::string*>(user)->append(data, size * count);
    return size * count;
}

// The text between <tag> and </tag> at each occurrence.
std::vector<std::string> elements(const std::string& xml, const std::string& tag) {
    std::vector<std::string> out;
    const std::string open = "<" + tag + ">";
    const std::string close = "</" + tag + ">";
    for (std::size_t at = xml.find(open); at != std::string::npos; at = xml.find(open, at + 1)) {
        const std::size_t end = xml.find(close, at);
        if (end == std::string::npos) break;
        out.push_back(xml.substr(at + open.size(), end - at - open.size()));
    }
    return out;
}

std::string queryEncode(const std::string& text) {
    std::string out;
    for (const unsigned char c : text) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
            out.push_back(static_cast<char>(c));
        } else {
            static constexpr char kHex[] = "0123456789ABCDEF";
            out += {'%', kHex[c >> 4], kHex[c & 15]};
        }
    }
    return out;
}

}  // namespace

std::string s3SignedGet(const std::string& pathAndQuery) {
    std::string body;
    CURL* c = curl_easy_init();
    const std::string url = s3Env("OBSCURA_TEST_S3_ENDPOINT") + "/" + s3Env("OBSCURA_TEST_S3_BUCKET") + pathAndQuery;
    const std::string sigv4 = "aws:amz:" + s3Env("OBSCURA_TEST_S3_REGION") + ":s3";
    const std::string user = s3Env("OBSCURA_TEST_S3_ACCESS_KEY") + ":" + s3Env("OBSCURA_TEST_S3_SECRET_KEY");
    curl_slist* list = curl_slist_append(nullptr, "x-amz-content-sha256: UNSIGNED-PAYLOAD");
    curl_easy_setopt(c, CURLOPT_URL, url.c_str());
    curl_easy_setopt(c, CURLOPT_AWS_SIGV4, sigv4.c_str());
    curl_easy_setopt(c, CURLOPT_USERPWD, user.c_str());
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, list);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &body);
    curl_easy_perform(c);
    curl_slist_free_all(list);
    curl_easy_cleanup(c);
    return body;
}

bool s3UploadPendingUnder(const std::string& fullPrefix) {
    for (const auto& key : elements(s3SignedGet("?uploads="), "Key")) {
        if (key.rfind(fullPrefix, 0) == 0) return true;
    }
    return false;
}

std::size_t s3PendingParts(const std::string& fullPrefix) {
    for (const auto& upload : elements(s3SignedGet("?uploads="), "Upload")) {
        const auto key = elements(upload, "Key");
        const auto id = elements(upload, "UploadId");
        if (key.empty() || id.empty() || key[0].rfind(fullPrefix, 0) != 0) continue;
        return elements(s3SignedGet("/" + key[0] + "?uploadId=" + queryEncode(id[0])), "Part").size();
    }
    return 0;
}

std::vector<std::string> s3KeysUnder(const std::string& fullPrefix) {
    return elements(s3SignedGet("?list-type=2&prefix=" + queryEncode(fullPrefix)), "Key");
}

// A binary run as a *_s3 CTest entry decides at start, before any case runs, whether it can run at all.
[[maybe_unused]] const bool gBlobsChecked = [] {
    blobsUnderTest();
    return true;
}();

std::string blobsUnderTest() {
    const std::string wanted = s3Env("OBSCURA_TEST_BLOBS");
    if (wanted.empty() || wanted == "local") return "local";
    if (wanted != "s3") {
        std::fprintf(stderr, "OBSCURA_TEST_BLOBS='%s' is neither local nor s3\n", wanted.c_str());
        std::exit(2);
    }
    if (s3Env("OBSCURA_TEST_S3_ENDPOINT").empty()) {
        std::fprintf(stderr, "integration: S3 NOT tested (OBSCURA_TEST_BLOBS=s3 but OBSCURA_TEST_S3_ENDPOINT unset)\n");
        std::fflush(stderr);
        std::exit(77);
    }
    static const bool announced = [] {
        std::fprintf(stderr, "integration: blobs on S3 at %s\n", s3Env("OBSCURA_TEST_S3_ENDPOINT").c_str());
        return true;
    }();
    (void)announced;
    return "s3";
}

std::map<std::string, std::string> s3BlobOverrides(const std::string& key) {
    // The process id keeps two runs over the same temp path apart; the hash keeps one run's restarts together.
    const std::string prefix =
        "it-" + std::to_string(::getpid()) + "-" + std::to_string(std::hash<std::string>{}(key) % 1000000007) + "/";
    return {{"blobs.plugin", "s3"},
            {"blobs.pluginDir", pluginDir()},
            {"blobs.s3.endpoint", s3Env("OBSCURA_TEST_S3_ENDPOINT")},
            {"blobs.s3.region", s3Env("OBSCURA_TEST_S3_REGION")},
            {"blobs.s3.bucket", s3Env("OBSCURA_TEST_S3_BUCKET")},
            {"blobs.s3.accessKeyId", s3Env("OBSCURA_TEST_S3_ACCESS_KEY")},
            {"blobs.s3.secretAccessKey", s3Env("OBSCURA_TEST_S3_SECRET_KEY")},
            {"blobs.s3.prefix", prefix}};
}

std::map<std::string, std::string> s3BlobEnvironment(const std::string& key) {
    std::map<std::string, std::string> env;
    for (const auto& [name, value] : s3BlobOverrides(key)) env[configEnvName(name)] = value;
    return env;
}

void addBlobOverrides(std::map<std::string, std::string>& overrides, const std::string& key) {
    if (overrides.count("blobs.plugin") != 0 || blobsUnderTest() != "s3") return;
    for (auto& [k, v] : s3BlobOverrides(key)) overrides.emplace(k, v);
}

}  // namespace obscura::test

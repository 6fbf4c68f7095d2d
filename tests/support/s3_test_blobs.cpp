#include "s3_test_blobs.hpp"

#include <unistd.h>

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

}  // namespace

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

// s3: the conformance suite against the S3 gateway scripts/test.sh starts (a single-node Ceph on 127.0.0.1, named
// by OBSCURA_TEST_S3_*), each fixture under its own random prefix of the shared bucket, emptied afterwards.
// Without a gateway the s3 entry exits 77 (Skipped), never passes silently.
#include <doctest/doctest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>

#include "blob_backend.hpp"
#include "blob_loader.hpp"
#include "test_support.hpp"

namespace obscura::conformance {
namespace {

std::string env(const char* name) {
    const char* v = std::getenv(name);
    return v == nullptr ? std::string() : std::string(v);
}

std::string randomPrefix() {
    std::random_device rd;
    static constexpr char kChars[] = "abcdefghijklmnopqrstuvwxyz0123456789";
    std::string s = "conformance-";
    for (int i = 0; i < 12; ++i) s.push_back(kChars[rd() % 36]);
    return s + "/";
}

class S3Fixture final : public BlobFixture {
public:
    S3Fixture(std::unique_ptr<blobs::BlobStore> store, std::unique_ptr<test::TempDir> dir)
        : store_(std::move(store)), dir_(std::move(dir)) {}
    ~S3Fixture() override {
        // The store's root is this fixture's prefix: empty it, one object at a time (removePrefix("") is refused).
        for (int round = 0; round < 100; ++round) {
            auto page = store_->list("", "", 1000);
            if (!page || page->entries.empty()) return;
            for (const auto& e : page->entries) (void)store_->remove(e.key);
        }
    }
    blobs::BlobStore& store() override { return *store_; }
    std::string tempDir() const override { return dir_->path() + "/tmp"; }

private:
    std::unique_ptr<blobs::BlobStore> store_;
    std::unique_ptr<test::TempDir> dir_;
};

class S3Backend final : public BlobBackend {
public:
    explicit S3Backend(LoadedBlobs plugin) : plugin_(std::move(plugin)) {}
    std::string name() const override { return "s3"; }
    Expected<std::unique_ptr<BlobFixture>> fresh() override {
        auto dir = std::make_unique<test::TempDir>();
        std::filesystem::create_directories(dir->path() + "/tmp");
        blobs::BlobStoreOptions options;
        options.dataDir = dir->path();
        options.settings = {{"endpoint", env("OBSCURA_TEST_S3_ENDPOINT")},
                            {"region", env("OBSCURA_TEST_S3_REGION")},
                            {"bucket", env("OBSCURA_TEST_S3_BUCKET")},
                            {"accessKeyId", env("OBSCURA_TEST_S3_ACCESS_KEY")},
                            {"secretAccessKey", env("OBSCURA_TEST_S3_SECRET_KEY")},
                            {"prefix", randomPrefix()},
                            // Small parts so the suite's large objects go through multipart too.
                            {"multipartThresholdBytes", std::to_string(5 << 20)},
                            {"partSizeBytes", std::to_string(5 << 20)}};
        OBSCURA_TRY(store, openBlobStore(plugin_, options));
        return std::unique_ptr<BlobFixture>(std::make_unique<S3Fixture>(std::move(store), std::move(dir)));
    }

private:
    LoadedBlobs plugin_;
};

[[maybe_unused]] const bool gS3 = registerBlobBackend("s3", []() -> std::unique_ptr<BlobBackend> {
    if (env("OBSCURA_TEST_S3_ENDPOINT").empty()) {
        std::fprintf(stderr,
                     "blob conformance: s3 skipped, OBSCURA_TEST_S3_ENDPOINT not set "
                     "(scripts/test.sh starts a Ceph gateway)\n");
        std::exit(77);
    }
    auto plugin = loadBlobPlugin("s3", OBSCURA_PLUGIN_DIR);
    REQUIRE_MESSAGE(plugin.ok(), (plugin ? "" : plugin.error().message));
    return std::make_unique<S3Backend>(std::move(*plugin));
});

}  // namespace
}  // namespace obscura::conformance

#include "blob_backend.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>

#include "blob_loader.hpp"
#include "test_support.hpp"

namespace obscura::conformance {

namespace {

using Makers = std::map<std::string, std::function<std::unique_ptr<BlobBackend>()>>;

Makers& makers() {
    static Makers all;
    return all;
}

// local: a temp data dir per fixture, loaded from the build's plugin folder.
class LocalFixture final : public BlobFixture {
public:
    explicit LocalFixture(std::unique_ptr<blobs::BlobStore> store) : store_(std::move(store)) {}
    static Expected<std::unique_ptr<BlobFixture>> make(const LoadedBlobs& plugin) {
        auto dir = std::make_unique<test::TempDir>();
        std::filesystem::create_directories(dir->path() + "/tmp");
        blobs::BlobStoreOptions options;
        options.dataDir = dir->path();
        OBSCURA_TRY(store, openBlobStore(plugin, options));
        auto fixture = std::make_unique<LocalFixture>(std::move(store));
        fixture->dir_ = std::move(dir);
        return std::unique_ptr<BlobFixture>(std::move(fixture));
    }
    blobs::BlobStore& store() override { return *store_; }
    std::string tempDir() const override { return dir_->path() + "/tmp"; }

private:
    std::unique_ptr<test::TempDir> dir_;
    std::unique_ptr<blobs::BlobStore> store_;
};

class LocalBackend final : public BlobBackend {
public:
    explicit LocalBackend(LoadedBlobs plugin) : plugin_(std::move(plugin)) {}
    std::string name() const override { return "local"; }
    Expected<std::unique_ptr<BlobFixture>> fresh() override { return LocalFixture::make(plugin_); }

private:
    LoadedBlobs plugin_;
};

[[maybe_unused]] const bool gLocal = registerBlobBackend("local", []() -> std::unique_ptr<BlobBackend> {
    auto plugin = loadBlobPlugin("local", OBSCURA_PLUGIN_DIR);
    REQUIRE_MESSAGE(plugin.ok(), (plugin ? "" : plugin.error().message));
    return std::make_unique<LocalBackend>(std::move(*plugin));
});

std::vector<std::unique_ptr<BlobBackend>>& selected() {
    static std::vector<std::unique_ptr<BlobBackend>> backends = [] {
        std::vector<std::unique_ptr<BlobBackend>> out;
        const char* only = std::getenv("OBSCURA_BLOB_BACKEND");
        for (auto& [name, make] : makers()) {
            if (only != nullptr && *only != '\0' && name != only) continue;
            std::fprintf(stderr, "blob conformance: testing %s\n", name.c_str());
            out.push_back(make());
        }
        if (only != nullptr && *only != '\0' && out.empty()) {
            std::fprintf(stderr, "blob conformance: no backend named %s\n", only);
            std::exit(1);
        }
        return out;
    }();
    return backends;
}

}  // namespace

bool registerBlobBackend(const std::string& name, std::function<std::unique_ptr<BlobBackend>()> make) {
    makers()[name] = std::move(make);
    return true;
}

void forEachBlobBackend(const std::function<void(BlobBackend&)>& fn) {
    for (auto& backend : selected()) {
        INFO("blob backend: ", backend->name());
        fn(*backend);
    }
}

std::string writeTemp(BlobFixture& fixture, const std::string& bytes) {
    static std::atomic<int> counter{0};
    const std::string path = fixture.tempDir() + "/put-" + std::to_string(counter++) + ".part";
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
}

Expected<std::string> readAll(blobs::BlobReader& reader) {
    std::string out;
    char buffer[4096];
    for (;;) {
        OBSCURA_TRY(n, reader.read(buffer, sizeof buffer));
        if (n == 0) return out;
        out.append(buffer, n);
    }
}

}  // namespace obscura::conformance

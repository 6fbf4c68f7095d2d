// The blob plugin loader: the storage loader's rules (plugin_loader.hpp) for obscura_blobs_<name>.so, and the
// local plugin's face (one exported symbol, no settings, an absolute data dir).
#include "blob_loader.hpp"

#include <doctest/doctest.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "exported_symbols.hpp"
#include "obscura/blobs/plugin_abi.hpp"
#include "test_support.hpp"

namespace fs = std::filesystem;
using obscura::ErrorCode;
using obscura::loadBlobPlugin;

namespace {

const std::string kPluginDir = OBSCURA_PLUGIN_DIR;

std::string blobFile(const std::string& dir, const std::string& name) {
    return (fs::path(dir) / ("obscura_blobs_" + name + ".so")).lexically_normal().string();
}

}  // namespace

TEST_SUITE("blobs.loader") {
    TEST_CASE("a blob plugin name outside [a-z0-9_] is rejected, naming blobs.plugin") {
        for (const std::string name : {"", "S3", "../local", "a/b", "local.so"}) {
            CAPTURE(name);
            auto loaded = loadBlobPlugin(name, kPluginDir);
            REQUIRE_FALSE(loaded.ok());
            CHECK(loaded.error().code == ErrorCode::Invalid);
            CHECK(loaded.error().message.find("blobs.plugin '" + name + "' is not a valid plugin name") !=
                  std::string::npos);
        }
    }

    TEST_CASE("a missing blob plugin is one line naming every path tried and blobs.pluginDir") {
        const auto candidates = obscura::blobPluginCandidates("nosuchstore", "");
        REQUIRE(candidates.size() == 2);
        for (const auto& path : candidates) CHECK(path.find("obscura_blobs_nosuchstore.so") != std::string::npos);
        auto loaded = loadBlobPlugin("nosuchstore", "");
        REQUIRE_FALSE(loaded.ok());
        const std::string& message = loaded.error().message;
        CHECK(loaded.error().code == ErrorCode::NotFound);
        CHECK(message.find('\n') == std::string::npos);
        CHECK(message.find("blob plugin 'nosuchstore' could not be loaded") != std::string::npos);
        for (const auto& path : candidates) CHECK(message.find(path + " (not found)") != std::string::npos);
        CHECK(message.find("blobs.pluginDir") != std::string::npos);
    }

    TEST_CASE("a storage plugin under a blob plugin's name is refused for lacking the blob entry symbol") {
        obscura::test::TempDir dir;
        fs::copy_file(fs::path(kPluginDir) / "obscura_storage_sqlite.so", blobFile(dir.path(), "impostor"));
        auto loaded = loadBlobPlugin("impostor", dir.path());
        REQUIRE_FALSE(loaded.ok());
        CHECK(loaded.error().message.find(blobFile(dir.path(), "impostor")) != std::string::npos);
        CHECK(loaded.error().message.find(OBSCURA_BLOBS_ENTRY_SYMBOL) != std::string::npos);
    }

    TEST_CASE("the local plugin loads, opens on an absolute data dir and refuses settings it does not have") {
        auto loaded = loadBlobPlugin("local", kPluginDir);
        REQUIRE_MESSAGE(loaded.ok(), (loaded ? "" : loaded.error().message));
        CHECK(loaded->name == "local");
        CHECK(loaded->abiVersion == obscura::blobs::kBlobsAbiVersion);
        obscura::test::TempDir data;
        obscura::blobs::BlobStoreOptions options;
        options.dataDir = data.path();
        auto store = obscura::openBlobStore(*loaded, options);
        REQUIRE_MESSAGE(store.ok(), (store ? "" : store.error().message));
        CHECK((*store)->name() == "local");
        CHECK((*store)->ping().ok());
        CHECK((*store)->localPath("library/u/a.jpg") == std::optional<std::string>(data.path() + "/library/u/a.jpg"));
        CHECK_FALSE((*store)->presignGet("library/u/a.jpg", 60, {}).has_value());

        options.settings["bucket"] = "photos";
        auto refused = obscura::openBlobStore(*loaded, options);
        REQUIRE_FALSE(refused.ok());
        CHECK(refused.error().message.find("blobs.local.bucket") != std::string::npos);
        options.settings.clear();
        options.dataDir = "relative/data";
        CHECK_FALSE(obscura::openBlobStore(*loaded, options).ok());
    }

    TEST_CASE("the local plugin exports its entry point and nothing else") {
        const auto symbols = obscura::test::exportedSymbols(blobFile(kPluginDir, "local"));
        REQUIRE_FALSE(symbols.empty());
        for (const auto& symbol : symbols) CHECK(symbol == OBSCURA_BLOBS_ENTRY_SYMBOL);
    }
}

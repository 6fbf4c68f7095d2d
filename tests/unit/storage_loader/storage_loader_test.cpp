#include "storage_loader.hpp"

#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "exported_symbols.hpp"
#include "obscura/storage/plugin_abi.hpp"
#include "test_support.hpp"

namespace fs = std::filesystem;
using obscura::ErrorCode;
using obscura::loadStoragePlugin;

namespace {

const std::string kFakeDir = OBSCURA_FAKE_PLUGIN_DIR;
const std::string kPluginDir = OBSCURA_PLUGIN_DIR;

std::string pluginFile(const std::string& dir, const std::string& name) {
    return (fs::path(dir) / ("obscura_storage_" + name + ".so")).lexically_normal().string();
}

// Changes the working directory for one test and restores it, so a test can prove the search ignores it.
class WorkingDirectory {
public:
    explicit WorkingDirectory(const std::string& dir) : previous_(fs::current_path()) { fs::current_path(dir); }
    ~WorkingDirectory() { fs::current_path(previous_); }

private:
    fs::path previous_;
};

}  // namespace

TEST_SUITE("storage.loader") {
    TEST_CASE("a plugin name outside [a-z0-9_] is rejected before any file is touched") {
        const std::vector<std::string> names = {"",    "SQLite",    "sql-ite", "../sqlite",
                                                "a/b", "sqlite.so", "x y",     std::string(65, 'a')};
        for (const auto& name : names) {
            CAPTURE(name);
            auto loaded = loadStoragePlugin(name, kPluginDir);
            REQUIRE_FALSE(loaded.ok());
            CHECK(loaded.error().code == ErrorCode::Invalid);
            CHECK(loaded.error().message.find("not a valid plugin name") != std::string::npos);
        }
        CHECK(loadStoragePlugin(std::string(64, 'a'), kFakeDir).error().message.find("not a valid") ==
              std::string::npos);
    }

    TEST_CASE("a missing plugin is one line naming every path tried") {
        const auto candidates = obscura::storagePluginCandidates("nosuchbackend", "");
        REQUIRE(candidates.size() == 2);
        auto loaded = loadStoragePlugin("nosuchbackend", "");
        REQUIRE_FALSE(loaded.ok());
        const std::string& message = loaded.error().message;
        CHECK(loaded.error().code == ErrorCode::NotFound);
        CHECK(message.find('\n') == std::string::npos);
        for (const auto& path : candidates) CHECK(message.find(path + " (not found)") != std::string::npos);
        CHECK(message.find("storage.pluginDir") != std::string::npos);
    }

    TEST_CASE("an explicit plugin directory is the only place searched") {
        obscura::test::TempDir dir;
        const auto candidates = obscura::storagePluginCandidates("sqlite", dir.path());
        REQUIRE(candidates.size() == 1);
        CHECK(candidates[0] == pluginFile(dir.path(), "sqlite"));
        // The real sqlite plugin exists beside the executable, yet must not be picked up.
        auto loaded = loadStoragePlugin("sqlite", dir.path());
        REQUIRE_FALSE(loaded.ok());
        CHECK(loaded.error().message.find(pluginFile(dir.path(), "sqlite") + " (not found)") != std::string::npos);
        CHECK(loaded.error().message.find(kPluginDir) == std::string::npos);
    }

    TEST_CASE("the default search follows the executable, never the working directory") {
        const fs::path exeDir = fs::read_symlink("/proc/self/exe").parent_path();
        const auto candidates = obscura::storagePluginCandidates("sqlite", "");
        REQUIRE(candidates.size() == 2);
        CHECK(candidates[0] == pluginFile((exeDir / ".." / "lib" / "obscura" / "plugins").string(), "sqlite"));
        CHECK(candidates[1] == pluginFile(exeDir.string(), "sqlite"));

        // A decoy plugin laid out as the search would expect it, but under the working directory.
        obscura::test::TempDir work;
        fs::create_directories(work / "bin");
        fs::create_directories(work / "lib/obscura/plugins");
        fs::copy_file(pluginFile(kPluginDir, "sqlite"), pluginFile(work / "lib/obscura/plugins", "decoy"));
        fs::copy_file(pluginFile(kPluginDir, "sqlite"), pluginFile(work / "bin", "decoy"));
        WorkingDirectory cwd(work / "bin");
        auto decoy = loadStoragePlugin("decoy", "");
        REQUIRE_FALSE(decoy.ok());
        CHECK(decoy.error().message.find(work.path()) == std::string::npos);

        // The real plugin is found from anywhere: the build tree puts it at <exedir>/../lib/obscura/plugins.
        auto loaded = loadStoragePlugin("sqlite", "");
        REQUIRE_MESSAGE(loaded.ok(), loaded.error().message);
        CHECK(fs::equivalent(loaded->path, pluginFile(kPluginDir, "sqlite")));
    }

    TEST_CASE("an ABI mismatch names the file and both versions") {
        auto loaded = loadStoragePlugin("badabi", kFakeDir);
        REQUIRE_FALSE(loaded.ok());
        const std::string& message = loaded.error().message;
        CHECK(message.find(pluginFile(kFakeDir, "badabi")) != std::string::npos);
        CHECK(message.find("ABI version 999") != std::string::npos);
        CHECK(message.find("ABI version " + std::to_string(obscura::storage::kStorageAbiVersion)) != std::string::npos);
    }

    TEST_CASE("a shared object without the entry symbol is refused, naming the symbol") {
        auto loaded = loadStoragePlugin("noentry", kFakeDir);
        REQUIRE_FALSE(loaded.ok());
        CHECK(loaded.error().message.find(pluginFile(kFakeDir, "noentry")) != std::string::npos);
        CHECK(loaded.error().message.find(OBSCURA_STORAGE_ENTRY_SYMBOL) != std::string::npos);
    }

    TEST_CASE("a plugin that reports another name is refused") {
        auto loaded = loadStoragePlugin("wrongname", kFakeDir);
        REQUIRE_FALSE(loaded.ok());
        CHECK(loaded.error().message.find("'impostor'") != std::string::npos);
        CHECK(loaded.error().message.find("'wrongname'") != std::string::npos);
    }

    TEST_CASE("a file that exists but does not load is reported with dlerror") {
        obscura::test::TempDir dir;
        const std::string path = pluginFile(dir.path(), "garbage");
        obscura::test::writeFile(path, "this is not an ELF file");
        auto loaded = loadStoragePlugin("garbage", dir.path());
        REQUIRE_FALSE(loaded.ok());
        const std::string& message = loaded.error().message;
        CHECK(message.find(path) != std::string::npos);
        CHECK(message.find(path + " (not found)") == std::string::npos);
        // glibc says "invalid ELF header" or "file too short" depending on the size.
        const bool dlerrorShown =
            message.find("ELF") != std::string::npos || message.find("too short") != std::string::npos;
        CHECK_MESSAGE(dlerrorShown, message);
    }

    TEST_CASE("the sqlite plugin loads from an explicit directory and opens a database") {
        auto loaded = loadStoragePlugin("sqlite", kPluginDir);
        REQUIRE_MESSAGE(loaded.ok(), loaded.error().message);
        CHECK(loaded->name == "sqlite");
        CHECK(loaded->abiVersion == obscura::storage::kStorageAbiVersion);
        CHECK(loaded->handle != nullptr);
        CHECK(loaded->factory != nullptr);

        obscura::test::TempDir data;
        obscura::storage::StorageOptions options;
        options.dataDir = data.path();
        auto storage = obscura::openStorage(*loaded, options);
        REQUIRE_MESSAGE(storage.ok(), storage.error().message);
        CHECK((*storage)->name() == "sqlite");
        CHECK((*storage)->ping().ok());
        struct stat info {};
        REQUIRE(::stat((data / "obscura.db").c_str(), &info) == 0);
        CHECK((info.st_mode & 0777) == 0600);
    }

    TEST_CASE("openStorage refuses a plugin that is not loaded") {
        auto storage = obscura::openStorage(obscura::LoadedStorage{}, obscura::storage::StorageOptions{});
        REQUIRE_FALSE(storage.ok());
        CHECK(storage.error().code == ErrorCode::Internal);
    }

    TEST_CASE("the sqlite plugin exports its entry point and nothing else") {
        const auto symbols = obscura::test::exportedSymbols(pluginFile(kPluginDir, "sqlite"));
        REQUIRE_FALSE(symbols.empty());
        for (const auto& symbol : symbols) CHECK(symbol == OBSCURA_STORAGE_ENTRY_SYMBOL);
    }
}

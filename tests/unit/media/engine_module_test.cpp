// VipsEngine's loading of the engine module (obscura_media_vips.so, libvips): found beside the executable as built,
// and every way a module can be missing or wrong ends in one Unavailable error naming the file, never a crash.
// The operations themselves are media_vips_test's and media_vips_hostile_test's.
#include <doctest/doctest.h>

#include <filesystem>

#include "test_support.hpp"
#include "vips_engine.hpp"

using namespace obscura;
using namespace obscura::media;
using obscura::test::TempDir;
using obscura::test::writeFile;

namespace {

Error previewError(const std::string& engineDir) {
    VipsEngineOptions options;
    options.engineDir = engineDir;
    auto made = VipsEngine(options).makePreviewAndThumbnail("/nonexistent.jpg", ImageKind::Jpeg, "/tmp/p", "/tmp/t");
    REQUIRE_FALSE(made.ok());
    return made.error();
}

}  // namespace

TEST_SUITE("media.engine_module") {
    TEST_CASE("the engine module built with the server is found beside it") {
        CHECK(VipsEngine::checkInstalled().ok());
        CHECK(std::filesystem::exists(std::string(OBSCURA_PLUGIN_DIR) + "/obscura_media_vips.so"));
    }

    TEST_CASE("a folder without the module: the start-up check and every operation say which file was looked for") {
        TempDir empty;
        auto installed = VipsEngine::checkInstalled(empty.path());
        REQUIRE_FALSE(installed.ok());
        CHECK(installed.error().message.find(empty / "obscura_media_vips.so") != std::string::npos);
        Error e = previewError(empty.path());
        CHECK(e.code == ErrorCode::Unavailable);
        CHECK_MESSAGE(e.message.find(empty / "obscura_media_vips.so (not found)") != std::string::npos, e.message);
        VipsEngineOptions options;
        options.engineDir = empty.path();
        CHECK(VipsEngine(options).hashThumbnail("/nonexistent.webp").error().code == ErrorCode::Unavailable);
    }

    TEST_CASE("a file that is no shared library is refused with dlopen's reason") {
        TempDir dir;
        writeFile(dir / "obscura_media_vips.so", "not an ELF file");
        CHECK(VipsEngine::checkInstalled(dir.path()).ok());  // present: only loading can tell
        Error e = previewError(dir.path());
        CHECK(e.code == ErrorCode::Unavailable);
        CHECK_MESSAGE(e.message.find(dir / "obscura_media_vips.so (") != std::string::npos, e.message);
    }

    TEST_CASE("another kind of plugin under the engine's name is refused: no engine entry point") {
        TempDir dir;
        std::filesystem::copy_file(std::string(OBSCURA_PLUGIN_DIR) + "/obscura_storage_sqlite.so",
                                   dir / "obscura_media_vips.so");
        Error e = previewError(dir.path());
        CHECK(e.code == ErrorCode::Unavailable);
        CHECK_MESSAGE(e.message.find("no entry symbol 'obscura_media_engine_entry'") != std::string::npos, e.message);
    }
}

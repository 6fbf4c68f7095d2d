#include "library/library_layout.hpp"

#include <doctest/doctest.h>

#include <filesystem>

#include "test_support.hpp"

using namespace obscura::images;
namespace fs = std::filesystem;

TEST_SUITE("images.library_layout") {
    TEST_CASE("originals are named by id in the year and month of takenAt as written, with our extension") {
        CHECK(libraryPath("u1", "a1", "2021-07-31T23:30:00+09:00", *mediaTypeByName("jpeg")) ==
              "library/u1/2021/07/a1.jpg");
        CHECK(libraryPath("u1", "a2", "1999-01-01T00:00:00Z", *mediaTypeByName("mov")) == "library/u1/1999/01/a2.mov");
    }

    TEST_CASE("derivatives have fixed names and types; unknown kinds have none") {
        CHECK(derivedPath("u", "a", "thumbnail") == "derived/u/a/thumbnail.webp");
        CHECK(derivedPath("u", "a", "preview") == "derived/u/a/preview.jpg");
        CHECK(derivedPath("u", "a", "video") == "derived/u/a/video.mp4");
        CHECK(derivedPath("u", "a", "../x").empty());
        CHECK(derivedMimeType("thumbnail") == "image/webp");
        CHECK(derivedMimeType("mp3").empty());
    }

    TEST_CASE("the temp area is tmp/ with an exclusive database, tmp/<instance>/ otherwise") {
        CHECK(uploadTmpDir("/d", true, "i1") == "/d/tmp");
        CHECK(uploadTmpDir("/d", false, "i1") == "/d/tmp/i1");
    }

    TEST_CASE("a shared database: other instances' temp folders go only once untouched for the settle time") {
        obscura::test::TempDir dir;
        fs::create_directories(dir / "tmp/other/sub");
        obscura::test::writeFile(dir / "tmp/other/sub/upload-1.part", "half an upload");
        obscura::test::writeFile(dir / "tmp/loose.part", "x");
        fs::create_directories(dir / "tmp/mine");
        obscura::test::writeFile(dir / "tmp/mine/upload-2.part", "mine");

        // Fresh: another instance may be writing right now.
        auto kept = prepareInstanceTmp(dir.path(), "mine", std::chrono::hours(1));
        REQUIRE(kept.ok());
        CHECK(*kept == 0);
        CHECK(fs::exists(dir / "tmp/other/sub/upload-1.part"));
        CHECK(fs::exists(dir / "tmp/loose.part"));

        // Past the settle time (zero here): gone, except our own folder.
        auto swept = prepareInstanceTmp(dir.path(), "mine", std::chrono::seconds(0));
        REQUIRE(swept.ok());
        CHECK(*swept == 2);
        CHECK_FALSE(fs::exists(dir / "tmp/other"));
        CHECK_FALSE(fs::exists(dir / "tmp/loose.part"));
        CHECK(fs::exists(dir / "tmp/mine/upload-2.part"));

        // A new instance gets its folder.
        REQUIRE(prepareInstanceTmp(dir.path(), "third", std::chrono::hours(1)).ok());
        CHECK(fs::is_directory(dir / "tmp/third"));
    }
}

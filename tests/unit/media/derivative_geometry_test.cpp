// Derivative sizes and the atomic write that publishes every derivative.
#include "derivative_geometry.hpp"

#include <dirent.h>
#include <doctest/doctest.h>
#include <sys/stat.h>

#include "atomic_file.hpp"
#include "test_support.hpp"

using namespace obscura::media;

TEST_SUITE("media.geometry") {
    TEST_CASE("the preview fits 1440x1440 and is never enlarged") {
        CHECK(previewSize({4000, 3000}) == Size{1440, 1080});
        CHECK(previewSize({3000, 4000}) == Size{1080, 1440});
        CHECK(previewSize({1440, 1440}) == Size{1440, 1440});
        CHECK(previewSize({300, 4000}) == Size{108, 1440});
        CHECK(previewSize({640, 480}) == Size{640, 480});
        CHECK(previewSize({100000, 10}) == Size{1440, 1});  // never zero pixels
    }

    TEST_CASE("the thumbnail is 250 on the shorter side unless the longer would pass 1000") {
        CHECK(thumbnailSize({4000, 3000}) == Size{333, 250});
        CHECK(thumbnailSize({3000, 4000}) == Size{250, 333});
        CHECK(thumbnailSize({300, 4000}) == Size{75, 1000});
        CHECK(thumbnailSize({4000, 300}) == Size{1000, 75});
        CHECK(thumbnailSize({1000, 250}) == Size{1000, 250});  // exactly on both limits
        CHECK(thumbnailSize({200, 150}) == Size{200, 150});    // never enlarged
        CHECK(thumbnailSize({250, 250}) == Size{250, 250});
    }

    TEST_CASE("the avatar is scaled so the shorter side is 256, then cropped") {
        CHECK(avatarScaledSize({4000, 3000}) == Size{341, 256});
        CHECK(avatarScaledSize({3000, 4000}) == Size{256, 341});
        CHECK(avatarScaledSize({100, 100}) == Size{256, 256});  // enlarged: an avatar has one size
        CHECK(avatarScaledSize({300, 4000}).width == 256);
    }

    TEST_CASE("JPEG shrink-on-load leaves a factor of two for resampling") {
        CHECK(jpegShrinkFor(1.0) == 1);
        CHECK(jpegShrinkFor(2.8) == 1);
        CHECK(jpegShrinkFor(4.0) == 2);
        CHECK(jpegShrinkFor(7.9) == 2);
        CHECK(jpegShrinkFor(8.0) == 4);
        CHECK(jpegShrinkFor(30.0) == 8);
    }

    TEST_CASE("orientations 5-8 swap width and height") {
        for (int o : {1, 2, 3, 4}) CHECK(displayedSize({4, 3}, o) == Size{4, 3});
        for (int o : {5, 6, 7, 8}) CHECK(displayedSize({4, 3}, o) == Size{3, 4});
    }
}

TEST_SUITE("media.atomic_file") {
    TEST_CASE("a write appears whole under its name, replaces an older one, and leaves no temporary file") {
        obscura::test::TempDir dir;
        REQUIRE(writeFileAtomically(dir / "thumb.webp", "first").ok());
        REQUIRE(writeFileAtomically(dir / "thumb.webp", "second").ok());
        CHECK(obscura::test::readFile(dir / "thumb.webp") == "second");
        struct stat st {};
        REQUIRE(::stat((dir / "thumb.webp").c_str(), &st) == 0);
        CHECK((st.st_mode & 0777) == 0644);
        int entries = 0;
        DIR* d = ::opendir(dir.path().c_str());
        while (auto* e = ::readdir(d)) entries += e->d_name[0] != '.' || std::string(e->d_name).size() > 2;
        ::closedir(d);
        CHECK(entries == 1);
    }

    TEST_CASE("an uncommitted or empty pending file never becomes the target") {
        obscura::test::TempDir dir;
        std::string tmp;
        {
            auto pending = PendingFile::create(dir / "video.mp4");
            REQUIRE(pending.ok());
            tmp = pending->path();
            CHECK(tmp.find(dir.path() + "/.video.mp4.tmp-") == 0);
            struct stat st {};
            CHECK(::stat(tmp.c_str(), &st) == 0);
        }
        struct stat st {};
        CHECK(::stat(tmp.c_str(), &st) != 0);  // removed when abandoned
        auto empty = PendingFile::create(dir / "video.mp4");
        REQUIRE(empty.ok());
        auto committed = empty->commit();
        REQUIRE_FALSE(committed.ok());
        CHECK(committed.error().code == obscura::ErrorCode::Internal);
        CHECK(::stat((dir / "video.mp4").c_str(), &st) != 0);
        auto missingDir = writeFileAtomically(dir / "no/such/dir/x", "data");
        REQUIRE_FALSE(missingDir.ok());
        CHECK(missingDir.error().code == obscura::ErrorCode::Internal);
    }
}

// The durable deletions (through the local blob store) never remove anything outside the keys the server makes.
#include "assets/asset_file_jobs.hpp"

#include <doctest/doctest.h>

#include <filesystem>

#include "local_test_blobs.hpp"
#include "test_support.hpp"

using namespace obscura;
using namespace obscura::images;
namespace fs = std::filesystem;

namespace {
constexpr const char* kOwner = "3f0c6f4e-0000-4000-8000-00000000000a";
constexpr const char* kAsset = "3f0c6f4e-0000-4000-8000-00000000000b";

void touch(const fs::path& p) {
    fs::create_directories(p.parent_path());
    test::writeFile(p.string(), "x");
}
}  // namespace

TEST_SUITE("images.file_jobs") {
    TEST_CASE("removes the original and the asset's derivatives folder, and is idempotent") {
        test::TempDir dir;
        auto blobs = test::localBlobs(dir.path());
        const std::string rel = std::string("library/") + kOwner + "/2021/07/" + kAsset + ".jpg";
        const fs::path original = fs::path(dir.path()) / rel;
        const fs::path derived = fs::path(dir.path()) / "derived" / kOwner / kAsset;
        const fs::path sibling = fs::path(dir.path()) / "library" / kOwner / "2021/07/other.jpg";
        touch(original);
        touch(derived / "thumbnail.webp");
        touch(sibling);
        REQUIRE(deleteAssetFiles(*blobs, kOwner, kAsset, rel).ok());
        CHECK_FALSE(fs::exists(original));
        CHECK_FALSE(fs::exists(derived));
        CHECK(fs::exists(sibling));
        CHECK(deleteAssetFiles(*blobs, kOwner, kAsset, rel).ok());  // again: nothing left, still fine
    }

    TEST_CASE("refuses paths the server does not make, deleting nothing") {
        test::TempDir dir;
        auto blobs = test::localBlobs(dir.path());
        const fs::path victim = fs::path(dir.path()) / "secret";
        touch(victim);
        const std::string owner = kOwner;
        for (const std::string& bad : std::vector<std::string>{
                 "secret", "/etc/passwd", "library/" + owner + "/../../secret", "library/" + owner + "/./x.jpg",
                 "library/" + owner + "//x.jpg", "library/" + owner + "/",
                 "library/3f0c6f4e-0000-4000-8000-00000000000c/x.jpg", "derived/" + owner + "/x"}) {
            auto status = deleteAssetFiles(*blobs, kOwner, kAsset, bad);
            REQUIRE_FALSE_MESSAGE(status.ok(), bad);
            CHECK(status.error().code == ErrorCode::Invalid);
        }
        CHECK_FALSE(deleteAssetFiles(*blobs, "..", kAsset, "library/../secret").ok());
        CHECK_FALSE(deleteAssetFiles(*blobs, kOwner, "../../x", std::string("library/") + kOwner + "/a.jpg").ok());
        CHECK_FALSE(deleteUserFiles(*blobs, "../").ok());
        CHECK(fs::exists(victim));
    }

    TEST_CASE("a deleted user's library and derivatives go, nobody else's") {
        test::TempDir dir;
        auto blobs = test::localBlobs(dir.path());
        const fs::path mine = fs::path(dir.path()) / "library" / kOwner / "2021/07/a.jpg";
        const fs::path myDerived = fs::path(dir.path()) / "derived" / kOwner / kAsset / "preview.jpg";
        const fs::path theirs = fs::path(dir.path()) / "library/3f0c6f4e-0000-4000-8000-00000000000c/2021/07/b.jpg";
        touch(mine);
        touch(myDerived);
        touch(theirs);
        REQUIRE(deleteUserFiles(*blobs, kOwner).ok());
        CHECK_FALSE(fs::exists(fs::path(dir.path()) / "library" / kOwner));
        CHECK_FALSE(fs::exists(fs::path(dir.path()) / "derived" / kOwner));
        CHECK(fs::exists(theirs));
        CHECK(deleteUserFiles(*blobs, kOwner).ok());
    }
}

// Hostile archives and sidecars: each bad entry is refused with its reason, nothing outside the data dir is
// touched, the import goes on with the rest (DESIGN.md section 12, "Untrusted input" in section 6).
#include <doctest/doctest.h>

#include <filesystem>

#include "import_support.hpp"

using namespace obscura;
using namespace obscura::test;
namespace fs = std::filesystem;

namespace {

bool mentions(const std::vector<std::string>& reasons, const std::string& word) {
    for (const auto& r : reasons)
        if (r.find(word) != std::string::npos) return true;
    return false;
}

}  // namespace

TEST_SUITE("import.hostile") {
    TEST_CASE("traversal, absolute names, links, a zip bomb and bad sidecars are refused with reasons") {
        ImportWorld world;
        const std::string zip = importFixtures() + "/hostile.zip";
        auto result = world.import({zip, "--takeout"});
        REQUIRE_MESSAGE(result.exitCode == 0, result.err);  // refusals are skips, not failures
        const auto& s = result.summary;
        CHECK(s["imported"] == 2);
        CHECK(s["failed"].empty());
        CHECK(mentions(reasonsFor(s, "skipped", "escape.jpg"), ".."));
        CHECK(mentions(reasonsFor(s, "skipped", "escape2.jpg"), ".."));
        CHECK(mentions(reasonsFor(s, "skipped", "absolute.jpg"), "absolute"));
        CHECK(mentions(reasonsFor(s, "skipped", "link.jpg"), "link"));
        CHECK(mentions(reasonsFor(s, "skipped", "bomb.jpg"), "zip bomb"));
        CHECK(reasonsFor(s, "skipped", "notes.txt").size() == 1);
        CHECK(mentions(reasonsFor(s, "warnings", "good.jpg"), "photoTakenTime"));
        CHECK(mentions(reasonsFor(s, "warnings", "good.jpg"), "coordinates"));
        CHECK(mentions(reasonsFor(s, "warnings", "other.jpg"), "not a JSON object"));
        // Nothing was written by the archive's names, anywhere.
        CHECK_FALSE(fs::exists(importFixtures() + "/absolute.jpg"));
        CHECK_FALSE(fs::exists(fs::path(importFixtures()).parent_path() / "escape.jpg"));
        CHECK_FALSE(fs::exists(fs::path(zip).parent_path().parent_path() / "escape.jpg"));
        CHECK(world.filesUnder("import") == 0);
        // The photos with impossible sidecar values keep what their files say; no place was invented.
        for (const auto& a : world.assets()) {
            CHECK(a["takenAt"].get<std::string>().rfind("9999", 0) != 0);
            CHECK(a["exifInfo"]["latitude"].is_null());
        }
    }

    TEST_CASE("a path that does not exist or a user that does not exist fails before anything is read") {
        ImportWorld world;
        auto missing = world.import({world.dataDir() + "/no-such-folder"});
        CHECK(missing.exitCode == 1);
        CHECK(missing.err.find("no such file or folder") != std::string::npos);
        std::vector<std::string> argv = {obscuraBinary(), "import", "--user", "nobody", importFixtures() + "/plain"};
        auto nobody = run(argv, world.env());
        CHECK(nobody.exitCode == 1);
        CHECK(nobody.err.find("no user 'nobody'") != std::string::npos);
        CHECK(world.assets().empty());
    }
}

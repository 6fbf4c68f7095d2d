// `obscura import` of a Google Takeout and of plain folders, run as the real binary beside a running server on
// the same data dir and database (DESIGN.md section 12).
#include <doctest/doctest.h>
#include <signal.h>

#include <chrono>
#include <thread>

#include "import_support.hpp"

using namespace obscura;
using namespace obscura::test;

namespace {

nlohmann::json byName(const std::vector<nlohmann::json>& assets, const std::string& name) {
    for (const auto& a : assets)
        if (a["originalFileName"] == name) return a;
    FAIL("no asset named " << name);
    return nullptr;
}

std::map<std::string, int> albumSizes(ImportWorld& world) {
    std::map<std::string, int> out;
    const auto albums = world.get("/api/albums");
    for (const auto& album : albums) out[album["albumName"]] = album["assetCount"];
    return out;
}

}  // namespace

TEST_SUITE("import.takeout") {
    TEST_CASE("a Takeout zip is imported with its sidecars and its album, and a second run imports nothing") {
        ImportWorld world;
        const std::string zip = importFixtures() + "/takeout-001.zip";
        auto first = world.import({zip, "--takeout"});
        REQUIRE_MESSAGE(first.exitCode == 0, first.err);
        CHECK(first.summary["imported"] == 8);
        CHECK(first.summary["duplicates"] == 1);  // the album's copy of IMG_0001.jpg
        CHECK(first.summary["failed"].empty());
        CHECK(reasonsFor(first.summary, "skipped", "IMG_0009.jpg") ==
              std::vector<std::string>{"in Google Photos' trash"});
        CHECK(reasonsFor(first.summary, "skipped", "archive_browser.html").size() == 1);

        const auto assets = world.assets();
        REQUIRE(assets.size() == 8);
        // The sidecar wins over the EXIF date (2001) and brings place, description and favourite.
        const auto bastille = byName(assets, "IMG_0001.jpg");
        CHECK(bastille["takenAt"].get<std::string>().rfind("2019-07-14T10:26:40", 0) == 0);
        CHECK(bastille["description"] == "Bastille day");
        CHECK(bastille["isFavorite"] == true);
        CHECK(bastille["exifInfo"]["latitude"].get<double>() == doctest::Approx(48.8584));
        CHECK(bastille["exifInfo"]["longitude"].get<double>() == doctest::Approx(2.2945));
        // .supplemental-metadata.json, "(1)" after the whole name, a cut name, an edited copy.
        CHECK(byName(assets, "IMG_0002.jpg")["takenAt"].get<std::string>().rfind("2019-07-15T14:13:20", 0) == 0);
        const auto second = byName(assets, "IMG_0003(1).jpg");
        CHECK(second["description"] == "the second one");
        CHECK(second["takenAt"].get<std::string>().rfind("2019-07-17T21:46:40", 0) == 0);
        CHECK(byName(assets, "IMG_0003.jpg")["description"] == "");
        const auto longName = byName(assets, "Screenshot_20190801-123456_A_Rather_Long_Application_Name.jpg");
        CHECK(longName["takenAt"].get<std::string>().rfind("2019-07-31T19:06:40", 0) == 0);
        const auto edited = byName(assets, "IMG_0004-edited.jpg");
        CHECK(edited["takenAt"].get<std::string>().rfind("2019-07-19T01:33:20", 0) == 0);
        CHECK(edited["exifInfo"]["latitude"].get<double>() == doctest::Approx(35.6586));
        CHECK(albumSizes(world) == std::map<std::string, int>{{"Trip to Paris", 2}});
        // The running server makes the derivatives of what the import queued.
        auto thumb = world.http().get("/api/assets/" + bastille["id"].get<std::string>() + "/thumbnail?wait=30",
                                      bearer(world.token()));
        CHECK(thumb.status == 200);

        auto again = world.import({zip, "--takeout"});
        REQUIRE_MESSAGE(again.exitCode == 0, again.err);
        CHECK(again.summary["imported"] == 0);
        CHECK(again.summary["duplicates"] == 9);
        CHECK(world.assets().size() == 8);
        CHECK(albumSizes(world) == std::map<std::string, int>{{"Trip to Paris", 2}});
        CHECK(world.filesUnder("import") == 0);
    }

    TEST_CASE("--dry-run changes nothing, then the unpacked Takeout folder imports as the zip does") {
        ImportWorld world;
        const std::string tree = importFixtures() + "/tree";
        auto dry = world.import({tree, "--takeout", "--dry-run"});
        REQUIRE_MESSAGE(dry.exitCode == 0, dry.err);
        CHECK(dry.summary["dryRun"] == true);
        CHECK(dry.summary["imported"] == 8);
        CHECK(dry.summary["duplicates"] == 1);  // the album's copy: the same bytes seen earlier in the run
        CHECK(world.assets().empty());
        CHECK(world.get("/api/albums").empty());
        CHECK(world.filesUnder("library") == 0);

        auto real = world.import({tree, "--takeout", "--jobs", "3"});
        REQUIRE_MESSAGE(real.exitCode == 0, real.err);
        CHECK(real.summary["imported"] == 8);
        CHECK(real.summary["duplicates"] == 1);
        CHECK(world.assets().size() == 8);
        CHECK(albumSizes(world) == std::map<std::string, int>{{"Trip to Paris", 2}});
    }
}

TEST_SUITE("import.folders") {
    TEST_CASE("--album-from-folder makes one album per folder and reuses it on the next run") {
        ImportWorld world;
        const std::string plain = importFixtures() + "/plain";
        auto first = world.import({plain, "--album-from-folder", "--jobs", "4"});
        REQUIRE_MESSAGE(first.exitCode == 0, first.err);
        CHECK(first.summary["imported"] == 40);
        CHECK(albumSizes(world) == std::map<std::string, int>{{"Garden", 20}, {"Holidays", 20}});
        auto again = world.import({plain + "/Garden", "--album-from-folder"});
        REQUIRE_MESSAGE(again.exitCode == 0, again.err);
        CHECK(again.summary["imported"] == 0);
        CHECK(again.summary["duplicates"] == 20);
        CHECK(albumSizes(world) == std::map<std::string, int>{{"Garden", 20}, {"Holidays", 20}});
    }

    TEST_CASE("after Ctrl-C half-way the import stops cleanly, and the next run completes it") {
        ImportWorld world;
        const std::string plain = importFixtures() + "/plain";
        TempDir out;
        auto env = world.env();
        env["BIN"] = obscuraBinary();
        env["SRC"] = plain;
        env["OUT"] = out / "summary.json";
        ServerProcess importer({"/bin/sh", "-c", "exec \"$BIN\" import --user ana --jobs 1 \"$SRC\" > \"$OUT\""}, env);
        REQUIRE(importer.startProgram());
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
        while (world.filesUnder("library") == 0 && std::chrono::steady_clock::now() < deadline)
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        importer.signal(SIGINT);
        auto code = importer.wait(std::chrono::seconds(120));
        REQUIRE(code.has_value());
        const auto summary = nlohmann::json::parse(readFile(out / "summary.json"), nullptr, false);
        REQUIRE_MESSAGE(summary.is_object(), importer.log());
        CHECK(*code == 130);
        CHECK(summary["interrupted"] == true);
        const int before = summary["imported"];
        CHECK(before >= 1);
        CHECK(before < 40);
        CHECK(summary["failed"].empty());
        CHECK(world.assets().size() == static_cast<std::size_t>(before));  // every file committed or rolled back
        CHECK(world.filesUnder("library") == before);
        CHECK(world.filesUnder("import") == 0);

        auto rest = world.import({plain});
        REQUIRE_MESSAGE(rest.exitCode == 0, rest.err);
        CHECK(rest.summary["imported"] == 40 - before);
        CHECK(rest.summary["duplicates"] == before);
        CHECK(world.assets().size() == 40);
    }
}

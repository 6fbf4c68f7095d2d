// The real binary as a child process: a crash in the middle of an upload, files without rows at start-up,
// and `obscura fsck [--repair [--reimport]]`.
#include <doctest/doctest.h>
#include <signal.h>

#include <filesystem>

#include "upload_support.hpp"

using namespace obscura;
using namespace obscura::test;
namespace fs = std::filesystem;

namespace {

using Server = BinaryServer;

RunResult fsck(const std::string& dataDir, std::vector<std::string> flags = {}) {
    return fsckRun(dataDir, binaryEnv(), std::move(flags));
}

// A picture that is in nobody's row: what a crash between rename and commit leaves.
std::string plantOrphan(const std::string& dataDir, const std::string& userId, const std::string& name,
                        const std::string& bytes) {
    const std::string rel = "library/" + userId + "/2021/07/" + name;
    fs::create_directories((fs::path(dataDir) / rel).parent_path());
    writeFile(dataDir + "/" + rel, bytes);
    return rel;
}

}  // namespace

TEST_SUITE("upload.crash") {
    TEST_CASE("killed mid-upload: after a restart tmp/ is empty and there is no row and no library file") {
        TempDir work;
        const std::string dataDir = work / "data";
        Server server(dataDir);
        HttpClient http(server.process->port());
        auto alice = firstUser(http);
        http.close();

        const std::string body =
            formFile("assetData", "v.mp4", Fixtures::get().bytes("video.mp4") + std::string(2 << 20, '\0')) + formEnd();
        RawConnection raw(server.process->port());
        REQUIRE(raw.send("POST /api/assets HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + alice.access +
                         "\r\nContent-Type: " + formContentType() + "\r\nContent-Length: " +
                         std::to_string(body.size()) + "\r\n\r\n" + body.substr(0, body.size() / 2)));
        REQUIRE(waitFor([&] { return leftoverTempFiles(dataDir + "/tmp").size() == 1; }));
        server.process->signal(SIGKILL);
        server.process->wait(std::chrono::seconds(10));
        CHECK(leftoverTempFiles(dataDir + "/tmp").size() == 1);  // the half-written upload survived the crash…

        server.restart();  // …and start-up clears it
        CHECK(leftoverTempFiles(dataDir + "/tmp").empty());
        CHECK(filesUnder(dataDir + "/library").empty());
        HttpClient again(server.process->port());
        auto relogin = login(again, "alice");
        CHECK(bodyOf(again.get("/api/assets/statistics", bearer(relogin.access)))["total"] == 0);
    }
}

TEST_SUITE("upload.fsck") {
    TEST_CASE("start-up counts library files without a row and leaves them; fsck lists and repairs mismatches") {
        TempDir work;
        const std::string dataDir = work / "data";
        Server server(dataDir);
        HttpClient http(server.process->port());
        auto alice = firstUser(http);
        // One healthy asset, one whose file will vanish.
        auto kept = upload(http, alice, "kept.png", Fixtures::get().bytes("plain.png"));
        REQUIRE(kept.status == 201);
        auto lost = upload(http, alice, "lost.gif", Fixtures::get().bytes("plain.gif"));
        REQUIRE(lost.status == 201);
        const std::string lostId = bodyOf(lost)["id"];
        http.close();
        server.stop();

        for (const auto& f : filesUnder(dataDir + "/library"))
            if (contains(f, lostId)) fs::remove(dataDir + "/library/" + f);
        const std::string orphan = plantOrphan(dataDir, alice.id, "0b8f3a52-5a59-4d8b-9d7e-1f7f6c0f2a11.jpg",
                                               Fixtures::get().bytes("exif.jpg"));
        const std::string junk = plantOrphan(dataDir, alice.id, "notes.txt", "not a photo\n");

        // Start-up: counted in one log line, never moved.
        server.restart();
        REQUIRE(waitFor([&] { return contains(server.process->log(), "library check"); }));
        CHECK(contains(server.process->log(), "2 library file(s) have no database row"));
        CHECK(fs::exists(dataDir + "/" + orphan));
        server.stop();

        // Listing only: exit 1, both orphans and the missing file named, nothing changed.
        auto listed = fsck(dataDir);
        CHECK_MESSAGE(listed.exitCode == 1, listed.err);
        CHECK(contains(listed.out, "orphan file (no row): " + orphan));
        CHECK(contains(listed.out, "orphan file (no row): " + junk));
        CHECK(contains(listed.out, "asset " + lostId));
        CHECK(contains(listed.out, "file missing"));
        CHECK(fs::exists(dataDir + "/" + orphan));

        // --repair without --min-age: fresh orphans may be another server's commit in flight, so they stay.
        auto careful = fsck(dataDir, {"--repair"});
        CHECK_MESSAGE(careful.exitCode == 0, (careful.out + careful.err));
        CHECK(contains(careful.out, "left alone: younger than 60 minutes"));
        CHECK(contains(careful.out, "marked fileMissing"));
        CHECK(fs::exists(dataDir + "/" + orphan));

        // Old enough (as far as this run is concerned): moved to lost+found, folders kept.
        auto repaired = fsck(dataDir, {"--repair", "--min-age", "0"});
        CHECK_MESSAGE(repaired.exitCode == 0, (repaired.out + repaired.err));
        CHECK_FALSE(fs::exists(dataDir + "/" + orphan));
        CHECK(fs::exists(dataDir + "/lost+found/" + alice.id + "/2021/07/0b8f3a52-5a59-4d8b-9d7e-1f7f6c0f2a11.jpg"));
        CHECK(fs::exists(dataDir + "/lost+found/" + alice.id + "/2021/07/notes.txt"));
        CHECK(contains(repaired.out, "file missing (already marked)"));

        // The row whose file is gone now says so.
        server.restart();
        HttpClient after(server.process->port());
        auto session = login(after, "alice");
        auto missing = after.get("/api/assets/" + lostId + "/original", bearer(session.access));
        CHECK(missing.status == 404);
        CHECK(errorCode(missing) == "file_missing");
    }

    TEST_CASE("fsck --repair --reimport never brings back a file of an asset the user deleted") {
        TempDir work;
        const std::string dataDir = work / "data";
        Server server(dataDir);
        HttpClient http(server.process->port());
        auto alice = firstUser(http);
        const std::string png = Fixtures::get().bytes("plain.png");
        auto deleted = upload(http, alice, "deleted.png", png);
        REQUIRE(deleted.status == 201);
        const std::string id = bodyOf(deleted)["id"];
        const auto files = filesUnder(dataDir + "/library");
        REQUIRE(files.size() == 1);
        REQUIRE(http.request("DELETE", "/api/assets/" + id + "?permanent=true", alice.auth()).status == 204);
        REQUIRE(waitFor([&] { return filesUnder(dataDir + "/library").empty(); }));  // its removal job ran
        http.close();
        server.stop();

        // The file is back (a restored backup, a replica's late write): an orphan named after the deleted
        // asset, beside one named after an asset that never existed.
        writeFile(dataDir + "/library/" + files[0], png);
        const std::string stranger = "0b8f3a52-5a59-4d8b-9d7e-1f7f6c0f2a11";
        const std::string other = plantOrphan(dataDir, alice.id, stranger + ".jpg", Fixtures::get().bytes("exif.jpg"));

        auto r = fsck(dataDir, {"--repair", "--reimport", "--min-age", "0"});
        CHECK_MESSAGE(r.exitCode == 0, (r.out + r.err));
        CHECK(contains(r.out, "left alone: this asset was deleted (its removal job succeeded)"));
        CHECK(contains(r.out, "reimported as asset " + stranger));
        CHECK(fs::exists(dataDir + "/library/" + files[0]));
        CHECK(fs::exists(dataDir + "/" + other));

        server.restart();
        HttpClient after(server.process->port());
        auto session = login(after, "alice");
        CHECK(after.get("/api/assets/" + id, bearer(session.access)).status == 404);
        CHECK(bodyOf(after.get("/api/assets/statistics", bearer(session.access)))["total"] == 1);
    }

    TEST_CASE("fsck --repair --reimport makes an orphan an asset again, and refuses what is not a photo") {
        TempDir work;
        const std::string dataDir = work / "data";
        Server server(dataDir);
        HttpClient http(server.process->port());
        auto alice = firstUser(http);
        auto existing = upload(http, alice, "a.png", Fixtures::get().bytes("plain.png"));
        REQUIRE(existing.status == 201);
        http.close();
        server.stop();

        const std::string id = "0b8f3a52-5a59-4d8b-9d7e-1f7f6c0f2a11";
        const std::string orphan = plantOrphan(dataDir, alice.id, id + ".jpg", Fixtures::get().bytes("exif.jpg"));
        const std::string copy = plantOrphan(dataDir, alice.id, "copy.png", Fixtures::get().bytes("plain.png"));
        const std::string junk = plantOrphan(dataDir, alice.id, "page.jpg", "<html><script></script></html>");

        auto r = fsck(dataDir, {"--repair", "--reimport", "--min-age", "0"});
        CHECK_MESSAGE(r.exitCode == 0, (r.out + r.err));
        CHECK(contains(r.out, "reimported as asset " + id));
        CHECK(contains(r.out, "a duplicate of asset"));
        CHECK(contains(r.out, "not an accepted photo or video"));
        CHECK(fs::exists(dataDir + "/" + orphan));
        CHECK_FALSE(fs::exists(dataDir + "/" + copy));
        CHECK_FALSE(fs::exists(dataDir + "/" + junk));

        auto clean = fsck(dataDir);
        CHECK_MESSAGE(clean.exitCode == 0, clean.out);
        CHECK(contains(clean.out, "no problems found"));

        server.restart();
        HttpClient after(server.process->port());
        auto session = login(after, "alice");
        auto asset = after.get("/api/assets/" + id, bearer(session.access));
        REQUIRE(asset.status == 200);
        CHECK(bodyOf(asset)["takenAt"] == "2021-07-04T10:20:30.25+02:00");
        CHECK(bodyOf(asset)["exifInfo"]["make"] == "Canon");
        auto original = after.get("/api/assets/" + id + "/original", bearer(session.access));
        CHECK(original.status == 200);
        CHECK(original.body == Fixtures::get().bytes("exif.jpg"));
    }
}

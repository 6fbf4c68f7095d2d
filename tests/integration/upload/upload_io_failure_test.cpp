// A disk that fails under an upload, on the real `obscura serve`: fsync answering EIO (of the temp file, and of
// the library directory after the rename) and a disk that fills while the temp file is written. The faults come
// from tests/support/fault_injection (an LD_PRELOAD library) and only while a trigger file exists, so each test
// sees the failure, then the same upload succeeding on the same server once the disk is "repaired".
#include <doctest/doctest.h>

#include <filesystem>

#include "resumable_support.hpp"
#include "upload_support.hpp"

using namespace obscura;
using namespace obscura::test;
namespace fs = std::filesystem;

namespace {

// A server whose file calls fail for paths containing dataDir + pathBelowDataDir while armed.
struct FaultyServer {
    TempDir work;
    std::string dataDir = fs::canonical(work.path()).string() + "/data";  // readlink answers canonical paths
    std::string trigger = work / "fault-on";
    std::unique_ptr<ServerProcess> process;

    FaultyServer(const std::string& pathBelowDataDir, std::map<std::string, std::string> faults) {
        std::map<std::string, std::string> env = {{"OBSCURA_AUTH_PASSWORD_HASH_MEMORY_KIB", "19456"},
                                                  {"OBSCURA_AUTH_PASSWORD_HASH_ITERATIONS", "2"},
                                                  {"OBSCURA_LOG_LEVEL", "info"},
                                                  {"LD_PRELOAD", OBSCURA_IO_FAULT_SHIM},
                                                  {"OBSCURA_FAULT_PATH", dataDir + pathBelowDataDir},
                                                  {"OBSCURA_FAULT_TRIGGER", trigger}};
        env.merge(faults);
        process = std::make_unique<ServerProcess>(
            std::vector<std::string>{"serve", "--port", "0", "--data-dir", dataDir}, std::move(env));
        REQUIRE_MESSAGE(process->start(), process->log());
    }
    void arm() const { writeFile(trigger, ""); }
    void disarm() const { fs::remove(trigger); }
};

// The jobs that name an asset (an upload's derivatives job does). An upload's uncommitted-original job that a
// failed upload has settled itself (state succeeded: it will never run) is bookkeeping, not work left behind; one
// still queued would be.
std::vector<std::string> assetJobs(HttpClient& http, const User& admin) {
    auto r = http.get("/api/admin/jobs?limit=500", admin.auth());
    REQUIRE_MESSAGE(r.status == 200, r.body);
    const auto body = bodyOf(r);  // kept: a range-for over a temporary's member would dangle
    std::vector<std::string> out;
    for (const auto& job : body["items"]) {
        if (job["kind"] == "images.uncommittedOriginal" && job["state"] == "succeeded") continue;
        if (job["assetId"].is_string())
            out.push_back(job["kind"].get<std::string>() + " " + job["assetId"].get<std::string>());
    }
    return out;
}

// What a failed upload must leave: no row, no usage, no file in the library or the temp area, no job.
void checkNothingKept(const FaultyServer& server, HttpClient& http, const User& alice) {
    CHECK(filesUnder(server.dataDir + "/library").empty());
    CHECK(leftoverTempFiles(server.dataDir + "/tmp").empty());
    auto listing = http.get("/api/assets", alice.auth());
    REQUIRE_MESSAGE(listing.status == 200, listing.body);
    CHECK(bodyOf(listing)["items"].empty());
    auto usage = bodyOf(http.get("/api/users/me/usage", alice.auth()));
    CHECK(usage["assets"] == 0);
    CHECK(usage["bytesOriginals"] == 0);
    CHECK(assetJobs(http, alice).empty());
}

// Once the trigger is gone the very same bytes are a new asset (201 created, not a duplicate), with its file
// and its derivatives job.
void checkSameUploadSucceeds(const FaultyServer& server, const User& alice, const std::string& name,
                             const std::string& bytes) {
    server.disarm();
    HttpClient http(server.process->port());
    auto r = upload(http, alice, name, bytes);
    REQUIRE_MESSAGE(r.status == 201, r.body);
    const std::string id = bodyOf(r)["id"];
    CHECK(bodyOf(r)["status"] == "created");
    CHECK(bodyOf(r)["sizeBytes"] == bytes.size());
    CHECK(filesUnder(server.dataDir + "/library").size() == 1);
    CHECK(leftoverTempFiles(server.dataDir + "/tmp").empty());
    const auto jobs = assetJobs(http, alice);
    INFO("jobs: " << [&] {
        std::string all;
        for (const auto& j : jobs) all += j + "; ";
        return all;
    }());
    CHECK(std::count(jobs.begin(), jobs.end(), "media.derivatives " + id) == 1);
    auto original = http.get("/api/assets/" + id + "/original", alice.auth());
    CHECK(original.status == 200);
    CHECK(original.body == bytes);
}

// A photo of about 400 KB made by vips (three independent noise bands compress badly): big enough that a disk
// filling after its first 64 KiB fails it part-way, small enough that the server drains the rest of the body
// (up to 1 MiB) and the client reads the answer.
std::string largeJpeg(const TempDir& dir) {
    std::vector<std::vector<std::string>> steps;
    for (const char* band : {"r.v", "g.v", "b.v"}) steps.push_back({"vips", "gaussnoise", dir / band, "600", "400"});
    steps.push_back({"vips", "bandjoin", dir / "r.v" + " " + dir / "g.v" + " " + dir / "b.v", dir / "rgb.v"});
    steps.push_back({"vips", "cast", dir / "rgb.v", dir / "rgb8.v", "uchar"});
    steps.push_back({"vips", "copy", dir / "rgb8.v", dir / "large.jpg[Q=95]"});
    for (const auto& step : steps) {
        auto r = run(step);
        REQUIRE_MESSAGE(r.exitCode == 0, r.err);
    }
    return readFile(dir / "large.jpg");
}

}  // namespace

TEST_SUITE("upload.io_failure") {
    TEST_CASE("fsync of the upload's temp file fails: 500 JSON, nothing kept, the same upload works afterwards") {
        FaultyServer server("/tmp/upload-", {{"OBSCURA_FAULT_OPS", "fsync"}});
        HttpClient http(server.process->port());
        auto alice = firstUser(http);
        const std::string jpeg = Fixtures::get().bytes("plain.jpg");

        server.arm();
        auto failed = upload(http, alice, "a.jpg", jpeg);
        CHECK(failed.status == 500);
        CHECK(failed.header("Content-Type") == "application/json");
        CHECK(errorCode(failed) == "internal");
        // The answer names nothing on the server's disk (docs/api.md: a 500 carries no detail); the log
        // says what failed under the answer's request id.
        const std::string requestId = failed.header("X-Request-Id").value_or("?");
        CHECK(bodyOf(failed)["error"]["requestId"] == requestId);
        CHECK_FALSE(contains(failed.body, server.dataDir));
        CHECK(waitFor([&] {
            return contains(server.process->log(),
                            "request " + requestId + " failed: fsync of the upload failed: Input/output error");
        }));
        checkNothingKept(server, http, alice);

        checkSameUploadSucceeds(server, alice, "a.jpg", jpeg);
    }

    TEST_CASE("fsync of the library directory after the rename fails: 500, the renamed file is removed again") {
        FaultyServer server("/library/", {{"OBSCURA_FAULT_OPS", "fsync"}});
        HttpClient http(server.process->port());
        auto alice = firstUser(http);
        const std::string jpeg = Fixtures::get().bytes("exif.jpg");

        server.arm();
        auto failed = upload(http, alice, "b.jpg", jpeg);
        CHECK(failed.status == 500);
        CHECK(errorCode(failed) == "internal");
        const std::string requestId = failed.header("X-Request-Id").value_or("?");
        // The directory that failed is the file's own (…/library/<user>/2021/07, from its EXIF date).
        CHECK(waitFor([&] {
            return contains(server.process->log(), "request " + requestId + " failed: fsync of " + server.dataDir +
                                                       "/library/" + alice.id + "/2021/07 failed: Input/output error");
        }));
        checkNothingKept(server, http, alice);

        checkSameUploadSucceeds(server, alice, "b.jpg", jpeg);
    }

    TEST_CASE("the disk fills while the temp file is written: 503 naming a full disk, nothing kept, still serving") {
        FaultyServer server("/tmp/upload-", {{"OBSCURA_FAULT_OPS", "write"}, {"OBSCURA_FAULT_WRITE_AFTER", "65536"}});
        HttpClient http(server.process->port(), "127.0.0.1", std::chrono::seconds(30));
        auto alice = firstUser(http);
        const std::string jpeg = largeJpeg(server.work);
        REQUIRE(jpeg.size() > 256 * 1024);

        server.arm();
        auto full = upload(http, alice, "big.jpg", jpeg);
        CHECK(full.status == 503);
        CHECK(errorCode(full) == "unavailable");
        CHECK(contains(bodyOf(full)["error"]["message"].get<std::string>(), "storage is full"));
        CHECK(contains(bodyOf(full)["error"]["message"].get<std::string>(), "not kept"));
        CHECK(full.header("Connection") == "close");  // refused mid-body: the rest is not read
        // Removed at once, though 64 KiB of it had reached the disk.
        CHECK(waitFor([&] { return leftoverTempFiles(server.dataDir + "/tmp").empty(); }));
        http.close();

        // Still serving while the disk is full: a new connection is answered.
        HttpClient again(server.process->port());
        checkNothingKept(server, again, alice);

        checkSameUploadSucceeds(server, alice, "big.jpg", jpeg);
    }

    TEST_CASE("a disk found full only at fsync (delayed allocation) is the same 503, nothing kept") {
        FaultyServer server("/tmp/upload-", {{"OBSCURA_FAULT_OPS", "fsync"}, {"OBSCURA_FAULT_FSYNC_ERRNO", "ENOSPC"}});
        HttpClient http(server.process->port());
        auto alice = firstUser(http);
        const std::string png = Fixtures::get().bytes("plain.png");

        server.arm();
        auto full = upload(http, alice, "c.png", png);
        CHECK(full.status == 503);
        CHECK(errorCode(full) == "unavailable");
        CHECK(contains(bodyOf(full)["error"]["message"].get<std::string>(), "storage is full"));
        checkNothingKept(server, http, alice);

        checkSameUploadSucceeds(server, alice, "c.png", png);
    }

    TEST_CASE("a tus import that fails for a reason that passes keeps the upload; its HEAD imports it later") {
        FaultyServer server("/library/", {{"OBSCURA_FAULT_OPS", "fsync"}, {"OBSCURA_FAULT_FSYNC_ERRNO", "ENOSPC"}});
        HttpClient http(server.process->port());
        auto alice = firstUser(http);
        const std::string jpeg = Fixtures::get().bytes("exif.jpg");
        const auto size = static_cast<std::int64_t>(jpeg.size());
        auto created = createUpload(http, alice, size, "filename " + base64("later.jpg"));
        REQUIRE_MESSAGE(created.status == 201, created.body);
        const std::string path = uploadPath(created);
        const std::string spool = server.dataDir + "/uploads/" + path.substr(path.rfind('/') + 1) + ".part";

        server.arm();
        auto last = patchUpload(http, alice, path, 0, jpeg);
        CHECK(last.status == 503);
        // Not failed, not dropped: open at its full length, the bytes still in the spool.
        auto state = bodyOf(http.get(path, alice.auth()));
        CHECK(state["status"] == "open");
        CHECK(state["offset"] == size);
        CHECK(fs::exists(spool));
        CHECK(filesUnder(server.dataDir + "/library").empty());

        // The disk is back: the client resumes with HEAD (tus-js-client does), which imports the upload.
        server.disarm();
        auto head = headUpload(http, alice, path);
        CHECK(head.status == 200);
        CHECK(offsetOf(head) == size);
        state = bodyOf(http.get(path, alice.auth()));
        CHECK(state["status"] == "done");
        REQUIRE(state["assetId"].is_string());
        auto original = http.get("/api/assets/" + state["assetId"].get<std::string>() + "/original", alice.auth());
        CHECK(original.status == 200);
        CHECK(original.body == jpeg);
        CHECK_FALSE(fs::exists(spool));
    }
}

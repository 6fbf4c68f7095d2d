// The real binary on blobs.plugin=s3 (the test Ceph gateway): SIGKILL in the middle of uploads — mid-body, and
// right after a large body arrived (while its object is being put, or between the put and the row's commit) —
// loses no acknowledged asset and leaves no row without its object; `obscura fsck` against S3 reports the orphan
// objects such a crash can leave and repairs them, then reports clean. And fsck against S3 in general: a missing
// object and an orphan object are found and repaired as on the local store.
#include <doctest/doctest.h>
#include <signal.h>

#include <thread>

#include "s3_support.hpp"
#include "s3_test_blobs.hpp"
#include "upload_support.hpp"

using namespace obscura;
using namespace obscura::test;

namespace {

std::map<std::string, std::string> serverEnv(const std::string& dataDir) {
    auto env = binaryEnv(s3BlobEnvironment(dataDir));
    // Multipart from 8 MiB in 5 MiB parts, so the large upload below is killed during or after a multipart put.
    env["OBSCURA_BLOBS_S3_MULTIPART_THRESHOLD_BYTES"] = std::to_string(8 << 20);
    env["OBSCURA_BLOBS_S3_PART_SIZE_BYTES"] = std::to_string(5 << 20);
    return env;
}

struct S3Server : BinaryServer {
    explicit S3Server(const std::string& dir) : BinaryServer(dir, serverEnv(dir)) {}
};

RunResult fsck(const std::string& dataDir, std::vector<std::string> flags = {}) {
    return fsckRun(dataDir, serverEnv(dataDir), std::move(flags));
}

std::string rawHead(const User& user, std::size_t length) {
    return "POST /api/assets HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + user.access +
           "\r\nContent-Type: " + formContentType() + "\r\nContent-Length: " + std::to_string(length) + "\r\n\r\n";
}

// A valid MP4 followed by padding: a large upload the server accepts (the padding is after the boxes it reads).
std::string bigVideo(std::size_t padding) { return Fixtures::get().bytes("video.mp4") + std::string(padding, '\0'); }

}  // namespace

TEST_SUITE("blobs.s3.crash") {
    TEST_CASE("SIGKILL mid-upload and after a large body: every acknowledged asset survives, no row lacks its object") {
        TempDir work;
        const std::string dataDir = work / "data";
        S3Server server(dataDir);
        HttpClient http(server.process->port(), "127.0.0.1", std::chrono::seconds(60));
        auto alice = firstUser(http);
        std::map<std::string, std::string> acknowledged;  // id → bytes
        for (const char* name : {"plain.png", "plain.gif", "exif.jpg"}) {
            const std::string bytes = Fixtures::get().bytes(name);
            auto r = upload(http, alice, name, bytes);
            REQUIRE_MESSAGE(r.status == 201, r.body);
            acknowledged[bodyOf(r)["id"]] = bytes;
        }
        http.close();

        // 1. Mid-body: half of a 6 MiB upload sent, then the process dies.
        {
            const std::string body = formFile("assetData", "v.mp4", bigVideo(6 << 20)) + formEnd();
            RawConnection raw(server.process->port());
            REQUIRE(raw.send(rawHead(alice, body.size()) + body.substr(0, body.size() / 2)));
            REQUIRE(waitFor([&] { return leftoverTempFiles(dataDir + "/tmp").size() == 1; }));
            server.kill();
        }
        server.restart();
        // 2. A whole 40 MiB body (multipart put on S3), killed shortly after its last byte: while the object is
        //    put, or between the put and the commit. Either way no acknowledged asset may suffer.
        {
            const std::string body = formFile("assetData", "big.mp4", bigVideo(40 << 20)) + formEnd();
            RawConnection raw(server.process->port());
            REQUIRE(raw.send(rawHead(alice, body.size()) + body));
            // The temp file is removed once the put has the bytes: kill as soon as it is gone, or after 3 s.
            waitFor([&] { return leftoverTempFiles(dataDir + "/tmp").empty(); }, std::chrono::seconds(3));
            server.kill();
        }
        server.restart();
        HttpClient again(server.process->port(), "127.0.0.1", std::chrono::seconds(60));
        auto session = login(again, "alice");
        for (const auto& [id, bytes] : acknowledged) {
            CAPTURE(id);
            auto original = again.get("/api/assets/" + id + "/original", bearer(session.access));
            CHECK(original.status == 200);
            CHECK(original.body == bytes);
        }
        CHECK(leftoverTempFiles(dataDir + "/tmp").empty());  // start-up cleared the half-written upload
        again.close();
        server.stop();

        // fsck against S3: no row without its object, ever. Orphan objects (a put whose row never committed) are
        // reported, repaired into lost+found/, and the next run is clean.
        auto checked = fsck(dataDir);
        CHECK_FALSE(contains(checked.out, "file missing"));
        if (checked.exitCode == 1) {
            CHECK(contains(checked.out, "orphan file (no row): library/" + alice.id + "/"));
            auto repaired = fsck(dataDir, {"--repair", "--min-age", "0"});
            CHECK_MESSAGE(repaired.exitCode == 0, (repaired.out + repaired.err));
        } else {
            CHECK_MESSAGE(checked.exitCode == 0, (checked.out + checked.err));
        }
        auto clean = fsck(dataDir);
        CHECK_MESSAGE(clean.exitCode == 0, (clean.out + clean.err));
        CHECK(contains(clean.out, "no problems found"));
    }

    TEST_CASE("fsck against S3: a missing object and an orphan object are found, and repaired like local files") {
        TempDir work;
        const std::string dataDir = work / "data";
        S3Server server(dataDir);
        HttpClient http(server.process->port(), "127.0.0.1", std::chrono::seconds(60));
        auto alice = firstUser(http);
        auto kept = upload(http, alice, "kept.png", Fixtures::get().bytes("plain.png"));
        REQUIRE(kept.status == 201);
        auto lost = upload(http, alice, "lost.gif", Fixtures::get().bytes("plain.gif"));
        REQUIRE(lost.status == 201);
        const std::string lostId = bodyOf(lost)["id"];
        http.close();
        server.stop();

        auto store = directS3Store(s3BlobOverrides(dataDir));
        for (const auto& key : listKeys(*store, "library/"))
            if (contains(key, lostId)) REQUIRE(store->remove(key).ok());
        const std::string orphan = "library/" + alice.id + "/2021/07/0b8f3a52-5a59-4d8b-9d7e-1f7f6c0f2a11.jpg";
        const std::string tmp = work / "orphan";
        writeFile(tmp, Fixtures::get().bytes("exif.jpg"));
        REQUIRE(store->put(orphan, tmp, {}).ok());

        auto listed = fsck(dataDir);
        CHECK_MESSAGE(listed.exitCode == 1, (listed.out + listed.err));
        CHECK(contains(listed.out, "orphan file (no row): " + orphan));
        CHECK(contains(listed.out, "asset " + lostId));
        CHECK(contains(listed.out, "file missing"));

        auto repaired = fsck(dataDir, {"--repair", "--min-age", "0"});
        CHECK_MESSAGE(repaired.exitCode == 0, (repaired.out + repaired.err));
        CHECK_FALSE(store->stat(orphan).ok());
        CHECK(store->stat("lost+found/" + alice.id + "/2021/07/0b8f3a52-5a59-4d8b-9d7e-1f7f6c0f2a11.jpg").ok());
        CHECK(contains(repaired.out, "marked fileMissing"));

        server.restart();
        HttpClient after(server.process->port());
        auto session = login(after, "alice");
        auto missing = after.get("/api/assets/" + lostId + "/original", bearer(session.access));
        CHECK(missing.status == 404);
        CHECK(errorCode(missing) == "file_missing");
        CHECK(after.get("/api/assets/" + bodyOf(kept)["id"].get<std::string>() + "/original", bearer(session.access))
                  .status == 200);
    }
}

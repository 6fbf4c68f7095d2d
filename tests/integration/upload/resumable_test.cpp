// Resumable uploads over tus 1.0.0 (DESIGN.md section 10): discovery, a chunked upload that ends in the same import
// as POST /api/assets, creation-with-upload, termination, duplicates answered before any byte, one writer at a
// time, expiry, and the upload belonging to its creator only.
#include <doctest/doctest.h>

#include <filesystem>
#include <thread>

#include "app_fixture.hpp"
#include "resumable_support.hpp"

using namespace obscura;
using namespace obscura::test;

namespace {

std::string spoolFile(const AppFixture& fx, const std::string& path) {
    return fx.dataDir() + "/uploads/" + path.substr(path.rfind('/') + 1) + ".part";
}

// An upload of `length` bytes whose first `sent` bytes arrived; its path.
std::string startedUpload(HttpClient& http, const User& user, std::int64_t length, std::size_t sent) {
    auto created = createUpload(http, user, length, "");
    REQUIRE(created.status == 201);
    const std::string path = uploadPath(created);
    REQUIRE(patchUpload(http, user, path, 0, std::string(sent, 'x')).status == 204);
    return path;
}

}  // namespace

TEST_SUITE("upload.resumable") {
    TEST_CASE("OPTIONS /api/uploads advertises tus 1.0.0 and its extensions without authentication") {
        AppFixture fx(fastAuth({{"images.maxUploadBytes", "123456789"}}));
        HttpClient http(fx.port());
        auto r = http.request("OPTIONS", "/api/uploads");
        CHECK(r.status == 204);
        CHECK(r.header("Tus-Resumable") == "1.0.0");
        CHECK(r.header("Tus-Version") == "1.0.0");
        CHECK(r.header("Tus-Extension") == "creation,creation-with-upload,termination,expiration,checksum");
        CHECK(r.header("Tus-Max-Size") == "123456789");
        CHECK(r.header("Tus-Checksum-Algorithm") == "sha1");
    }

    TEST_CASE("a video sent in chunks becomes an asset through the upload import, with the metadata's fields") {
        AppFixture fx(fastAuth());
        HttpClient http(fx.port());
        auto alice = firstUser(http);
        const std::string video = Fixtures::get().bytes("video.mp4");
        REQUIRE(video.size() > 1000);
        const std::string metadata = "filename " + base64("holiday.mp4") + ",filetype " + base64("video/mp4") +
                                     ",title " + base64("Beach") + ",description " + base64("waves");
        auto created = createUpload(http, alice, static_cast<std::int64_t>(video.size()), metadata);
        REQUIRE_MESSAGE(created.status == 201, created.body);
        CHECK(created.header("Tus-Resumable") == "1.0.0");
        CHECK(offsetOf(created) == 0);
        CHECK(created.hasHeader("Upload-Expires"));
        const std::string path = uploadPath(created);
        REQUIRE(path.rfind("/api/uploads/", 0) == 0);
        CHECK(std::filesystem::exists(spoolFile(fx, path)));

        auto head = headUpload(http, alice, path);
        CHECK(head.status == 200);
        CHECK(offsetOf(head) == 0);
        CHECK(head.header("Upload-Length") == std::to_string(video.size()));
        CHECK(head.header("Cache-Control") == "no-store");

        const std::size_t chunk = video.size() / 3 + 1;
        // The first chunk with a checksum that matches: accepted like any other.
        auto first = patchUpload(http, alice, path, 0, video.substr(0, chunk),
                                 {{"Upload-Checksum", sha1Checksum(video.substr(0, chunk))}});
        REQUIRE_MESSAGE(first.status == 204, first.body);
        CHECK(offsetOf(first) == static_cast<std::int64_t>(chunk));
        CHECK(offsetOf(headUpload(http, alice, path)) == static_cast<std::int64_t>(chunk));
        auto progress = bodyOf(http.get(path, alice.auth()));
        CHECK(progress["offset"] == chunk);
        CHECK(progress["length"] == video.size());
        CHECK(progress["status"] == "open");
        CHECK_FALSE(progress.contains("assetId"));

        auto second = patchUpload(http, alice, path, static_cast<std::int64_t>(chunk), video.substr(chunk, chunk));
        REQUIRE_MESSAGE(second.status == 204, second.body);
        auto last = patchUpload(http, alice, path, static_cast<std::int64_t>(2 * chunk), video.substr(2 * chunk));
        REQUIRE_MESSAGE(last.status == 204, last.body);
        CHECK(offsetOf(last) == static_cast<std::int64_t>(video.size()));
        const auto assetId = last.header("X-Asset-Id");
        REQUIRE(assetId.has_value());

        auto done = bodyOf(http.get(path, alice.auth()));
        CHECK(done["status"] == "done");
        CHECK(done["assetId"] == *assetId);
        auto asset = http.get("/api/assets/" + *assetId, alice.auth());
        REQUIRE_MESSAGE(asset.status == 200, asset.body);
        auto a = bodyOf(asset);
        CHECK(a["type"] == "video");
        CHECK(a["originalFileName"] == "holiday.mp4");
        CHECK(a["title"] == "Beach");
        CHECK(a["description"] == "waves");
        CHECK(a["checksum"] == sha1Hex(video));
        CHECK(a["sizeBytes"] == video.size());
        CHECK(http.get("/api/assets/" + *assetId + "/original", alice.auth()).body == video);
        CHECK_FALSE(std::filesystem::exists(spoolFile(fx, path)));  // moved into the library, not copied
        // Nothing more can be appended to a finished upload.
        CHECK(patchUpload(http, alice, path, static_cast<std::int64_t>(video.size()), "x").status == 409);
        // The same bytes again end as the duplicate they are.
        auto again = tusUpload(http, alice, "copy.mp4", video, video.size());
        CHECK(again.header("X-Asset-Id") == *assetId);
    }

    TEST_CASE("creation-with-upload: the creating POST carries the first bytes") {
        AppFixture fx(fastAuth());
        HttpClient http(fx.port());
        auto alice = firstUser(http);
        const std::string jpeg = Fixtures::get().bytes("exif.jpg");
        const std::size_t half = jpeg.size() / 2;
        auto created = createUpload(http, alice, static_cast<std::int64_t>(jpeg.size()), "filename " + base64("a.jpg"),
                                    {}, jpeg.substr(0, half));
        REQUIRE_MESSAGE(created.status == 201, created.body);
        CHECK(offsetOf(created) == static_cast<std::int64_t>(half));
        auto rest = patchUpload(http, alice, uploadPath(created), static_cast<std::int64_t>(half), jpeg.substr(half));
        REQUIRE_MESSAGE(rest.status == 204, rest.body);
        CHECK(rest.hasHeader("X-Asset-Id"));
        // A whole file in the creating POST is finished by it.
        const std::string png = Fixtures::get().bytes("plain.png");
        auto whole = createUpload(http, alice, static_cast<std::int64_t>(png.size()), "", {}, png);
        REQUIRE_MESSAGE(whole.status == 201, whole.body);
        CHECK(offsetOf(whole) == static_cast<std::int64_t>(png.size()));
        CHECK(whole.hasHeader("X-Asset-Id"));
    }

    TEST_CASE("termination removes the upload and its bytes; another user's upload is 404 on every route") {
        AppFixture fx(fastAuth());
        HttpClient http(fx.port());
        auto alice = firstUser(http);
        auto bob = otherUser(http, alice, "bob");
        const std::string path = startedUpload(http, alice, 1000, 100);

        HeaderList tus = bob.auth();
        tus.emplace_back("Tus-Resumable", "1.0.0");
        CHECK(headUpload(http, bob, path).status == 404);
        CHECK(patchUpload(http, bob, path, 100, "y").status == 404);
        CHECK(http.get(path, bob.auth()).status == 404);
        CHECK(http.request("DELETE", path, tus).status == 404);
        CHECK(offsetOf(headUpload(http, alice, path)) == 100);

        HeaderList mine = alice.auth();
        mine.emplace_back("Tus-Resumable", "1.0.0");
        auto gone = http.request("DELETE", path, mine);
        CHECK(gone.status == 204);
        CHECK(gone.header("Tus-Resumable") == "1.0.0");
        CHECK(headUpload(http, alice, path).status == 404);
        CHECK(http.request("DELETE", path, mine).status == 404);
        CHECK_FALSE(std::filesystem::exists(spoolFile(fx, path)));
        CHECK(headUpload(http, alice, "/api/uploads/not-an-id").status == 404);
        CHECK(headUpload(http, alice, "/api/uploads/00000000-0000-4000-8000-000000000000").status == 404);
    }

    TEST_CASE("duplicates before bytes: checksum metadata and x-immich-checksum answer without the body") {
        AppFixture fx(fastAuth());
        HttpClient http(fx.port());
        auto alice = firstUser(http);
        const std::string jpeg = Fixtures::get().bytes("exif.jpg");
        auto first = upload(http, alice, "a.jpg", jpeg);
        REQUIRE_MESSAGE(first.status == 201, first.body);
        const std::string assetId = bodyOf(first)["id"];

        // tus: the upload is born finished, pointing at the asset; no PATCH is needed.
        auto created = createUpload(http, alice, static_cast<std::int64_t>(jpeg.size()),
                                    "filename " + base64("again.jpg") + ",checksum " + base64(sha1Hex(jpeg)));
        REQUIRE_MESSAGE(created.status == 201, created.body);
        CHECK(offsetOf(created) == static_cast<std::int64_t>(jpeg.size()));
        CHECK(created.header("X-Asset-Id") == assetId);
        auto state = bodyOf(http.get(uploadPath(created), alice.auth()));
        CHECK(state["status"] == "done");
        CHECK(state["assetId"] == assetId);
        // A checksum nobody has goes ahead as a normal upload.
        auto fresh = createUpload(http, alice, 10, "checksum " + base64(std::string(40, 'a')));
        REQUIRE(fresh.status == 201);
        CHECK(offsetOf(fresh) == 0);

        // Immich: the header names the bytes; with Expect: 100-continue the body is never invited.
        HeaderList headers = alice.auth();
        headers.emplace_back("Content-Type", formContentType());
        headers.emplace_back("x-immich-checksum", sha1Hex(jpeg));
        headers.emplace_back("Expect", "100-continue");
        const std::string body = formFile("assetData", "a.jpg", jpeg) + formEnd();
        auto dup = http.request("POST", "/api/assets", headers, body);
        REQUIRE_MESSAGE(dup.status == 200, dup.body);
        CHECK(dup.interim.empty());  // answered before a 100 Continue: not a byte of the body was read
        CHECK(bodyOf(dup)["status"] == "duplicate");
        CHECK(bodyOf(dup)["id"] == assetId);
        // A checksum the user does not have: an ordinary upload.
        HttpClient other(fx.port());
        headers[2].second = std::string(40, 'b');
        auto ordinary = other.request("POST", "/api/assets", headers,
                                      formFile("assetData", "p.png", Fixtures::get().bytes("plain.png")) + formEnd());
        CHECK(ordinary.status == 201);
        CHECK(filesUnder(fx.dataDir() + "/library").size() == 2);
    }

    TEST_CASE("a duplicate named before its bytes joins the album asked for: tus albumId metadata, ?albumId=") {
        AppFixture fx(fastAuth());
        HttpClient http(fx.port());
        auto alice = firstUser(http);
        const std::string jpeg = Fixtures::get().bytes("exif.jpg");
        auto first = upload(http, alice, "a.jpg", jpeg);
        REQUIRE_MESSAGE(first.status == 201, first.body);
        const std::string assetId = bodyOf(first)["id"];
        auto makeAlbum = [&](const std::string& name) -> std::string {
            auto album = postJson(http, "/api/albums", {{"albumName", name}}, alice.auth());
            REQUIRE_MESSAGE(album.status == 201, album.body);
            return bodyOf(album)["id"];
        };
        auto inAlbum = [&](const std::string& albumId) {
            auto view = bodyOf(http.get("/api/albums/" + albumId, alice.auth()));
            return view["assetCount"] == 1;
        };

        // tus: checksum and albumId in the creation metadata — born finished, and in the album.
        const std::string tusAlbum = makeAlbum("tus");
        auto created = createUpload(http, alice, static_cast<std::int64_t>(jpeg.size()),
                                    "checksum " + base64(sha1Hex(jpeg)) + ",albumId " + base64(tusAlbum));
        REQUIRE_MESSAGE(created.status == 201, created.body);
        CHECK(bodyOf(http.get(uploadPath(created), alice.auth()))["status"] == "done");
        CHECK(inAlbum(tusAlbum));

        // Immich: x-immich-checksum answers before the body (whose albumId field is never read): ?albumId= is.
        const std::string immichAlbum = makeAlbum("immich");
        HeaderList headers = alice.auth();
        headers.emplace_back("Content-Type", formContentType());
        headers.emplace_back("x-immich-checksum", sha1Hex(jpeg));
        headers.emplace_back("Expect", "100-continue");
        auto dup = http.request("POST", "/api/assets?albumId=" + immichAlbum, headers,
                                formFile("assetData", "a.jpg", jpeg) + formEnd());
        REQUIRE_MESSAGE(dup.status == 200, dup.body);
        CHECK(dup.interim.empty());
        CHECK(bodyOf(dup)["id"] == assetId);
        CHECK(inAlbum(immichAlbum));
        // An album the caller cannot see is 404 there too, and the duplicate is not answered.
        auto hidden = http.request("POST", "/api/assets?albumId=" + std::string("00000000-0000-4000-8000-000000000000"),
                                   headers, formFile("assetData", "a.jpg", jpeg) + formEnd());
        CHECK(hidden.status == 404);
    }

    TEST_CASE("the IETF draft's creation answers 104 Upload Resumption Supported first; tus gets no 104") {
        AppFixture fx(fastAuth());
        HttpClient http(fx.port());
        auto alice = firstUser(http);
        for (const std::string& version : std::vector<std::string>{"3", "6"}) {
            HeaderList headers = alice.auth();
            headers.emplace_back("Upload-Draft-Interop-Version", version);
            if (version == "3") {
                headers.emplace_back("Upload-Incomplete", "?1");
            } else {
                headers.emplace_back("Upload-Complete", "?0");
            }
            auto created = http.request("POST", "/api/uploads", headers, std::string(1000, 'x'));
            REQUIRE_MESSAGE(created.status == 201, created.body);
            CHECK(created.interim == std::vector<int>{104});
            CHECK(offsetOf(created) == 1000);
        }
        auto tus = createUpload(http, alice, 2000, "", {}, std::string(1000, 'x'));
        REQUIRE(tus.status == 201);
        CHECK(tus.interim.empty());
    }

    TEST_CASE("two writers at once: the second is 423 while the first holds the upload, which then completes") {
        AppFixture fx(fastAuth());
        HttpClient http(fx.port());
        auto alice = firstUser(http);
        const std::string jpeg = Fixtures::get().bytes("exif.jpg");
        auto created = createUpload(http, alice, static_cast<std::int64_t>(jpeg.size()), "");
        REQUIRE(created.status == 201);
        const std::string path = uploadPath(created);
        RawConnection slow(fx.port());
        const std::string head = "PATCH " + path + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + alice.access +
                                 "\r\nTus-Resumable: 1.0.0\r\nUpload-Offset: 0\r\nContent-Type: "
                                 "application/offset+octet-stream\r\nContent-Length: " +
                                 std::to_string(jpeg.size()) + "\r\n\r\n";
        REQUIRE(slow.send(head + jpeg.substr(0, 100)));
        // Its first bytes are in the spool file: it holds the lease.
        REQUIRE(waitFor([&] { return std::filesystem::file_size(spoolFile(fx, path)) >= 100; }));
        bool locked = waitFor([&] {
            auto second = patchUpload(http, alice, path, 0, jpeg);
            if (second.status == 423) {
                CHECK(errorCode(second) == "upload_locked");
                return true;
            }
            return false;
        });
        CHECK(locked);
        REQUIRE(slow.send(jpeg.substr(100)));
        auto answer = slow.readResponse(std::chrono::seconds(30));
        REQUIRE(answer.has_value());
        CHECK(answer->status == 204);
        CHECK(offsetOf(headUpload(http, alice, path)) == static_cast<std::int64_t>(jpeg.size()));
    }

    TEST_CASE("a client that vanishes mid-body keeps what arrived; an unused upload expires and is swept") {
        FakeClock clock;
        AppFixture fx(fastAuth(), &clock);
        HttpClient http(fx.port());
        auto alice = firstUser(http);
        auto created = createUpload(http, alice, 100000, "");
        REQUIRE(created.status == 201);
        const std::string path = uploadPath(created);
        {
            RawConnection gone(fx.port());
            REQUIRE(gone.send("PATCH " + path + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + alice.access +
                              "\r\nTus-Resumable: 1.0.0\r\nUpload-Offset: 0\r\nContent-Type: "
                              "application/offset+octet-stream\r\nContent-Length: 100000\r\n\r\n" +
                              std::string(30000, 'z')));
            REQUIRE(waitFor([&] { return std::filesystem::file_size(spoolFile(fx, path)) >= 30000; }));
            gone.abort();
        }
        CHECK(waitFor([&] { return offsetOf(headUpload(http, alice, path)) == 30000; }));
        // Resumed at once: the vanished request gave its lease back.
        CHECK(patchUpload(http, alice, path, 30000, std::string(10, 'z')).status == 204);

        clock.advance(std::chrono::hours(25));
        auto fresh = login(http, "alice");
        User again{alice.id, "alice", fresh.access};
        CHECK(headUpload(http, again, path).status == 404);
        REQUIRE(createUpload(http, again, 10, "").status == 201);  // creating sweeps
        CHECK(waitFor([&] { return !std::filesystem::exists(spoolFile(fx, path)); }));
    }
    TEST_CASE("a row ahead of its bytes (a power loss between the offset's commit and the sync) goes back to them") {
        AppFixture fx(fastAuth());
        HttpClient http(fx.port());
        auto alice = firstUser(http);
        const std::string jpeg = Fixtures::get().bytes("exif.jpg");
        auto created = createUpload(http, alice, static_cast<std::int64_t>(jpeg.size()), "filename " + base64("a.jpg"));
        REQUIRE(created.status == 201);
        const std::string path = uploadPath(created);
        const std::size_t half = jpeg.size() / 2;
        REQUIRE(patchUpload(http, alice, path, 0, jpeg.substr(0, half)).status == 204);
        // What the power loss left: the row durable at `half`, the file's last bytes not.
        const std::size_t kept = half / 2;
        std::filesystem::resize_file(spoolFile(fx, path), kept);

        auto behind = patchUpload(http, alice, path, static_cast<std::int64_t>(half), jpeg.substr(half));
        CHECK(behind.status == 409);
        CHECK(std::filesystem::file_size(spoolFile(fx, path)) == kept);  // nothing written past the lost bytes
        auto head = headUpload(http, alice, path);
        CHECK(offsetOf(head) == static_cast<std::int64_t>(kept));
        auto rest = patchUpload(http, alice, path, static_cast<std::int64_t>(kept), jpeg.substr(kept));
        REQUIRE_MESSAGE(rest.status == 204, rest.body);
        const auto assetId = rest.header("X-Asset-Id");
        REQUIRE(assetId.has_value());
        CHECK(http.get("/api/assets/" + *assetId + "/original", alice.auth()).body == jpeg);
    }

    TEST_CASE("deleting a user drops the bytes of their unfinished uploads") {
        AppFixture fx(fastAuth());
        HttpClient http(fx.port());
        auto admin = firstUser(http);
        auto bob = otherUser(http, admin, "bob");
        const std::string path = startedUpload(http, bob, 100000, 1000);
        REQUIRE(std::filesystem::exists(spoolFile(fx, path)));
        // Another user's upload stays.
        auto mine = createUpload(http, admin, 100000, "");
        REQUIRE(mine.status == 201);

        REQUIRE(http.request("DELETE", "/api/admin/users/" + bob.id, admin.auth()).status == 204);
        CHECK(waitFor([&] { return !std::filesystem::exists(spoolFile(fx, path)); }));
        CHECK(std::filesystem::exists(spoolFile(fx, uploadPath(mine))));
    }
}

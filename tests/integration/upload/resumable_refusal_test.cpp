// Every bad input of a resumable upload (issue 20, "Bad input"): each is a documented 4xx and leaves the upload as
// it was — a refused chunk never moves the offset.
#include <doctest/doctest.h>

#include "app_fixture.hpp"
#include "resumable_support.hpp"

using namespace obscura;
using namespace obscura::test;

TEST_SUITE("upload.resumable.refusals") {
    TEST_CASE("creation: Tus-Resumable, Upload-Length, metadata, size limit and quota are each refused") {
        AppFixture fx(fastAuth({{"images.maxUploadBytes", "5000000"}}));
        HttpClient http(fx.port());
        auto alice = firstUser(http);

        HeaderList noVersion = alice.auth();
        noVersion.emplace_back("Upload-Length", "10");
        auto missing = http.request("POST", "/api/uploads", noVersion);
        CHECK(missing.status == 412);
        CHECK(missing.header("Tus-Version") == "1.0.0");
        CHECK(errorCode(missing) == "unsupported_tus_version");
        HeaderList old = alice.auth();
        old.emplace_back("Tus-Resumable", "0.2.2");
        old.emplace_back("Upload-Length", "10");
        CHECK(http.request("POST", "/api/uploads", old).status == 412);

        HeaderList noLength = alice.auth();
        noLength.emplace_back("Tus-Resumable", "1.0.0");
        CHECK(http.request("POST", "/api/uploads", noLength).status == 400);
        for (const char* bad : {"-1", "ten", "1e3", "", "99999999999999999999999"}) {
            CAPTURE(bad);
            HeaderList h = noLength;
            h.emplace_back("Upload-Length", bad);
            CHECK(http.request("POST", "/api/uploads", h).status == 400);
        }
        HeaderList deferred = noLength;
        deferred.emplace_back("Upload-Defer-Length", "1");
        CHECK(http.request("POST", "/api/uploads", deferred).status == 400);
        CHECK(createUpload(http, alice, 0, "").status == 400);

        CHECK(createUpload(http, alice, 10, "filename " + std::string(5000, 'A')).status == 400);  // oversized
        CHECK(createUpload(http, alice, 10, "filename not*base64").status == 400);
        CHECK(createUpload(http, alice, 10, "filename YWJj,filename YWJj").status == 400);     // repeated key
        CHECK(createUpload(http, alice, 10, "filename " + base64("\xff\xfe")).status == 400);  // not UTF-8
        CHECK(createUpload(http, alice, 10, "checksum " + base64("abc")).status == 400);
        CHECK(createUpload(http, alice, 10, "albumId " + base64("not-a-uuid")).status == 422);
        CHECK(createUpload(http, alice, 10, "albumId " + base64("00000000-0000-4000-8000-000000000000")).status == 404);
        CHECK(createUpload(http, alice, 10, "fileCreatedAt " + base64("yesterday")).status == 422);

        auto tooBig = createUpload(http, alice, 5000001, "");
        CHECK(tooBig.status == 413);
        auto bob = otherUser(http, alice, "bob");
        setQuota(http, alice, bob, 1000);
        auto overQuota = createUpload(http, bob, 1001, "");
        CHECK(overQuota.status == 507);
        CHECK(createUpload(http, bob, 1000, "").status == 201);
        // A body with the wrong type is refused before the upload is made.
        HeaderList typed = noLength;
        typed.emplace_back("Upload-Length", "3");
        typed.emplace_back("Content-Type", "text/plain");
        CHECK(http.request("POST", "/api/uploads", typed, "abc").status == 415);
        CHECK(filesUnder(fx.dataDir() + "/uploads").size() == 1);  // bob's one good upload
    }

    TEST_CASE("append: wrong offset 409, bad offsets and types 400/415, past the length 413, bad chunk 460") {
        AppFixture fx(fastAuth());
        HttpClient http(fx.port());
        auto alice = firstUser(http);
        auto created = createUpload(http, alice, 100, "");
        REQUIRE(created.status == 201);
        const std::string path = uploadPath(created);
        REQUIRE(patchUpload(http, alice, path, 0, std::string(40, 'a')).status == 204);
        auto unchanged = [&] { return offsetOf(headUpload(http, alice, path)) == 40; };

        auto behind = patchUpload(http, alice, path, 0, "bbbb");
        CHECK(behind.status == 409);
        CHECK(patchUpload(http, alice, path, 50, "bbbb").status == 409);
        CHECK(unchanged());
        for (const char* bad : {"-1", "forty", "", "4O"}) {
            CAPTURE(bad);
            HeaderList h = alice.auth();
            h.emplace_back("Tus-Resumable", "1.0.0");
            h.emplace_back("Upload-Offset", bad);
            h.emplace_back("Content-Type", "application/offset+octet-stream");
            CHECK(http.request("PATCH", path, h, "bbbb").status == 400);
        }
        HeaderList noOffset = alice.auth();
        noOffset.emplace_back("Tus-Resumable", "1.0.0");
        noOffset.emplace_back("Content-Type", "application/offset+octet-stream");
        CHECK(http.request("PATCH", path, noOffset, "bbbb").status == 400);
        HeaderList untyped = alice.auth();
        untyped.emplace_back("Tus-Resumable", "1.0.0");
        untyped.emplace_back("Upload-Offset", "40");
        CHECK(http.request("PATCH", path, untyped, "bbbb").status == 400);
        CHECK(patchUpload(http, alice, path, 40, "bbbb", {{"Content-Type", "application/octet-stream"}}).status == 415);
        HeaderList noVersion = untyped;
        noVersion.erase(noVersion.begin() + 1);
        noVersion.emplace_back("Content-Type", "application/offset+octet-stream");
        CHECK(http.request("PATCH", path, noVersion, "bbbb").status == 412);
        CHECK(unchanged());

        // Past Upload-Length: refused from Content-Length before the body.
        CHECK(patchUpload(http, alice, path, 40, std::string(61, 'c')).status == 413);
        CHECK(unchanged());

        auto mismatch = patchUpload(http, alice, path, 40, "dddd", {{"Upload-Checksum", sha1Checksum("eeee")}});
        CHECK(mismatch.status == 460);
        CHECK(errorCode(mismatch) == "checksum_mismatch");
        CHECK(patchUpload(http, alice, path, 40, "dddd", {{"Upload-Checksum", "md5 abc="}}).status == 400);
        CHECK(patchUpload(http, alice, path, 40, "dddd", {{"Upload-Checksum", "sha1 !!!"}}).status == 400);
        CHECK(unchanged());
        // And the upload still takes the right bytes afterwards.
        auto good = patchUpload(http, alice, path, 40, "dddd", {{"Upload-Checksum", sha1Checksum("dddd")}});
        CHECK(good.status == 204);
        CHECK(offsetOf(good) == 44);
    }

    TEST_CASE("a finished upload that is not a photo or video: 415, the upload failed, nothing kept") {
        AppFixture fx(fastAuth());
        HttpClient http(fx.port());
        auto alice = firstUser(http);
        const std::string text(5000, 't');
        auto created = createUpload(http, alice, static_cast<std::int64_t>(text.size()), "filename " + base64("a.txt"));
        REQUIRE(created.status == 201);
        const std::string path = uploadPath(created);
        auto last = patchUpload(http, alice, path, 0, text);
        CHECK(last.status == 415);
        auto state = bodyOf(http.get(path, alice.auth()));
        CHECK(state["status"] == "failed");
        CHECK(state["error"].get<std::string>().size() > 0);
        CHECK(filesUnder(fx.dataDir() + "/uploads").empty());
        CHECK(filesUnder(fx.dataDir() + "/library").empty());
    }
}

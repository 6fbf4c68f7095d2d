// Direct upload (DESIGN.md section 8): upload-url → PUT to the URL it gives (S3 itself on the _s3 twin, the
// server's own signed route on local) → confirm, which imports through POST /api/assets' own import. Objects
// are looked at through the app's blob store, so every case here runs on both stores.
#include <doctest/doctest.h>

#include "app_fixture.hpp"
#include "obscura/blobs/blob_store.hpp"
#include "upload_support.hpp"

using namespace obscura;
using namespace obscura::test;

namespace {

// PUT `bytes` to an absolute http:// URL on this machine, with the headers upload-url asked for (Content-Length
// is the client's own: HttpClient sends the body's).
HttpResponse putTo(const nlohmann::json& ticket, const std::string& bytes) {
    const std::string url = ticket["url"];
    REQUIRE(url.rfind("http://", 0) == 0);
    const auto slash = url.find('/', 7);
    const std::string authority = url.substr(7, slash - 7);
    const auto colon = authority.rfind(':');
    HttpClient http(std::stoi(authority.substr(colon + 1)), authority.substr(0, colon), std::chrono::seconds(30));
    HeaderList headers = {{"Host", authority}};
    for (const auto& [name, value] : ticket["headers"].items()) {
        if (name != "Content-Length") headers.emplace_back(name, value.get<std::string>());
    }
    return http.request("PUT", url.substr(slash), headers, bytes);
}

nlohmann::json uploadUrl(HttpClient& http, const User& user, nlohmann::json body, int status = 201) {
    auto r = postJson(http, "/api/assets/upload-url", body, user.auth());
    REQUIRE_MESSAGE(r.status == status, r.body);
    return r.status == 201 ? bodyOf(r) : nlohmann::json{{"error", bodyOf(r)}};
}

HttpResponse confirm(HttpClient& http, const User& user, const std::string& uploadId) {
    return http.request("POST", "/api/assets/upload-url/" + uploadId + "/confirm", user.auth());
}

bool objectExists(AppFixture& fx, const std::string& ownerId, const std::string& uploadId) {
    return fx.app().blobs().stat("direct-uploads/" + ownerId + "/" + uploadId).ok();
}

}  // namespace

TEST_SUITE("upload.direct") {
    TEST_CASE(
        "upload-url, PUT, confirm: the asset has the bytes, title and album; the same bytes again are a duplicate") {
        AppFixture fx(fastAuth());
        HttpClient http(fx.port());
        auto alice = firstUser(http);
        auto album = postJson(http, "/api/albums", {{"albumName", "direct"}}, alice.auth());
        REQUIRE(album.status == 201);
        const std::string albumId = bodyOf(album)["id"];
        const std::string jpeg = Fixtures::get().bytes("exif.jpg");

        auto ticket = uploadUrl(http, alice,
                                {{"filename", "IMG_0001.jpg"},
                                 {"sizeBytes", jpeg.size()},
                                 {"title", "Grandma 🌻"},
                                 {"description", "direct"},
                                 {"albumId", albumId}});
        CHECK(ticket["method"] == "PUT");
        CHECK(ticket["headers"]["Content-Length"] == std::to_string(jpeg.size()));
        CHECK(ticket["expiresAt"].is_string());
        const std::string uploadId = ticket["uploadId"];
        auto put = putTo(ticket, jpeg);
        REQUIRE_MESSAGE(put.status == 200, put.body);
        CHECK(objectExists(fx, alice.id, uploadId));

        auto done = confirm(http, alice, uploadId);
        REQUIRE_MESSAGE(done.status == 201, done.body);
        auto asset = bodyOf(done);
        CHECK(asset["status"] == "created");
        CHECK(asset["title"] == "Grandma 🌻");
        CHECK(asset["description"] == "direct");
        CHECK(asset["originalFileName"] == "IMG_0001.jpg");
        CHECK(asset["exifInfo"]["make"] == "Canon");
        const std::string id = asset["id"];
        CHECK(http.get("/api/assets/" + id + "/original", alice.auth()).body == jpeg);
        CHECK(bodyOf(http.get("/api/albums/" + albumId, alice.auth()))["assets"].size() == 1);
        CHECK_FALSE(objectExists(fx, alice.id, uploadId));    // the staging object went with the confirm
        CHECK(confirm(http, alice, uploadId).status == 404);  // and so did the row

        auto again = uploadUrl(http, alice, {{"filename", "copy.jpg"}, {"sizeBytes", jpeg.size()}});
        REQUIRE(putTo(again, jpeg).status == 200);
        auto dup = confirm(http, alice, again["uploadId"]);
        REQUIRE_MESSAGE(dup.status == 200, dup.body);
        CHECK(bodyOf(dup)["status"] == "duplicate");
        CHECK(bodyOf(dup)["id"] == id);
        CHECK(bodyOf(http.get("/api/assets/statistics", alice.auth()))["total"] == 1);
    }

    TEST_CASE("confirm: 409 before the bytes, 404 to anyone else; bytes that are no photo are 415 and dropped") {
        AppFixture fx(fastAuth());
        HttpClient http(fx.port());
        auto alice = firstUser(http);
        auto bob = otherUser(http, alice, "bob");
        const std::string html = "<html><script>alert(1)</script></html>" + std::string(200, ' ');
        auto ticket = uploadUrl(http, alice, {{"filename", "page.jpg"}, {"sizeBytes", html.size()}});
        const std::string uploadId = ticket["uploadId"];
        auto early = confirm(http, alice, uploadId);
        CHECK(early.status == 409);
        CHECK(errorCode(early) == "not_uploaded");
        REQUIRE(putTo(ticket, html).status == 200);
        auto stranger = confirm(http, bob, uploadId);
        CHECK(stranger.status == 404);
        CHECK(errorCode(stranger) == "not_found");
        CHECK(objectExists(fx, alice.id, uploadId));

        auto refused = confirm(http, alice, uploadId);
        CHECK(refused.status == 415);
        CHECK_FALSE(objectExists(fx, alice.id, uploadId));
        CHECK(confirm(http, alice, uploadId).status == 404);
        CHECK(bodyOf(http.get("/api/assets/statistics", alice.auth()))["total"] == 0);
    }

    TEST_CASE("the URL takes only the announced size; a checksum that does not match drops the upload") {
        AppFixture fx(fastAuth());
        HttpClient http(fx.port());
        auto alice = firstUser(http);
        const std::string png = Fixtures::get().bytes("plain.png");
        auto ticket = uploadUrl(http, alice, {{"filename", "a.png"}, {"sizeBytes", png.size()}});
        // Longer and shorter bodies are refused by whoever holds the URL: S3 (403, the length is signed) or the
        // server (422); nothing is stored either way.
        CHECK(putTo(ticket, png + "extra").status >= 400);
        CHECK_FALSE(objectExists(fx, alice.id, ticket["uploadId"]));

        auto wrongSum = uploadUrl(
            http, alice, {{"filename", "b.png"}, {"sizeBytes", png.size()}, {"checksum", std::string(40, 'a')}});
        REQUIRE(putTo(wrongSum, png).status == 200);
        auto refused = confirm(http, alice, wrongSum["uploadId"]);
        CHECK(refused.status == 422);
        CHECK_FALSE(objectExists(fx, alice.id, wrongSum["uploadId"]));
        CHECK(bodyOf(http.get("/api/assets/statistics", alice.auth()))["total"] == 0);
    }

    TEST_CASE("upload-url refuses bad bodies (400/422), an album the caller cannot add to, and a size over quota") {
        AppFixture fx(fastAuth());
        HttpClient http(fx.port());
        auto alice = firstUser(http);
        auto bob = otherUser(http, alice, "bob");
        uploadUrl(http, alice, {{"sizeBytes", 10}}, 400);
        uploadUrl(http, alice, {{"filename", "a.jpg"}, {"sizeBytes", "10"}}, 400);
        uploadUrl(http, alice, {{"filename", "a.jpg"}, {"sizeBytes", 0}}, 422);
        uploadUrl(http, alice, {{"filename", "a.jpg"}, {"sizeBytes", 10}, {"checksum", "xyz"}}, 422);
        uploadUrl(http, alice, {{"filename", "a.jpg"}, {"sizeBytes", 10}, {"albumId", "nope"}}, 422);
        auto album = postJson(http, "/api/albums", {{"albumName", "mine"}}, alice.auth());
        uploadUrl(http, bob, {{"filename", "a.jpg"}, {"sizeBytes", 10}, {"albumId", bodyOf(album)["id"]}}, 404);

        auto r = sendJson(http, "PATCH", "/api/admin/users/" + bob.id, {{"quotaBytes", 1000}}, alice.auth());
        REQUIRE(r.status == 200);
        uploadUrl(http, bob, {{"filename", "a.jpg"}, {"sizeBytes", 1001}}, 507);
        uploadUrl(http, bob, {{"filename", "a.jpg"}, {"sizeBytes", 1000}}, 201);
    }
}

// Direct upload's expiry on either store, and the local store's own signed PUT URL: a tampered URL, a second
// PUT and an expired URL are refused, and nothing is kept.
#include <doctest/doctest.h>

#include <thread>

#include "app_fixture.hpp"
#include "obscura/blobs/blob_store.hpp"
#include "upload_support.hpp"

using namespace obscura;
using namespace obscura::test;

namespace {

// "/api/uploads/direct/<id>?…" of a local ticket's absolute URL.
std::string targetOf(const nlohmann::json& ticket) {
    const std::string url = ticket["url"];
    return url.substr(url.find('/', 7));
}

HttpResponse put(HttpClient& http, const std::string& target, const std::string& bytes) {
    return http.request("PUT", target, {}, bytes);
}

nlohmann::json ticketFor(HttpClient& http, const User& user, std::size_t size) {
    auto r = postJson(http, "/api/assets/upload-url", {{"filename", "a.png"}, {"sizeBytes", size}}, user.auth());
    REQUIRE_MESSAGE(r.status == 201, r.body);
    return bodyOf(r);
}

std::string replaced(std::string text, const std::string& from, const std::string& to) {
    const auto at = text.find(from);
    REQUIRE(at != std::string::npos);
    return text.replace(at, from.size(), to);
}

}  // namespace

TEST_SUITE("upload.direct.local") {
    TEST_CASE("the server's signed URL: tampered 403, wrong length 422, the right PUT once, a second 409") {
        AppFixture fx(fastAuth({{"blobs.plugin", "local"}}));
        HttpClient http(fx.port());
        auto alice = firstUser(http);
        const std::string png = Fixtures::get().bytes("plain.png");
        auto ticket = ticketFor(http, alice, png.size());
        const std::string target = targetOf(ticket);
        CHECK(ticket["url"].get<std::string>().rfind("http://127.0.0.1:" + std::to_string(fx.port()) + "/", 0) == 0);
        const std::string size = "size=" + std::to_string(png.size());

        CHECK(put(http, replaced(target, size, "size=" + std::to_string(png.size() + 1)), png + "x").status == 403);
        auto other = ticketFor(http, alice, png.size());  // a valid signature, for another upload
        const std::string otherId = other["uploadId"];
        CHECK(put(http, replaced(target, ticket["uploadId"], otherId), png).status == 403);
        const auto sig = target.find("signature=") + 10;
        std::string badSig = target;
        badSig[sig] = badSig[sig] == '0' ? '1' : '0';
        CHECK(put(http, badSig, png).status == 403);
        std::string later = target;
        const auto expires = later.find("expires=") + 8;
        later[expires + 3] = later[expires + 3] == '9' ? '8' : '9';
        CHECK(put(http, later, png).status == 403);
        CHECK(put(http, target, png + "x").status == 422);  // Content-Length is not the signed size
        CHECK(filesUnder(fx.dataDir() + "/direct-uploads").empty());

        auto first = put(http, target, png);
        REQUIRE_MESSAGE(first.status == 200, first.body);
        CHECK(filesUnder(fx.dataDir() + "/direct-uploads").size() == 1);
        CHECK(leftoverTempFiles(fx.dataDir() + "/tmp").empty());
        auto second = put(http, target, png);
        CHECK(second.status == 409);
        CHECK(errorCode(second) == "already_uploaded");
        auto done = http.request("POST", "/api/assets/upload-url/" + ticket["uploadId"].get<std::string>() + "/confirm",
                                 alice.auth());
        REQUIRE_MESSAGE(done.status == 201, done.body);
        CHECK(filesUnder(fx.dataDir() + "/direct-uploads").empty());
    }

    TEST_CASE("an expired signed URL is 403 and stores nothing") {
        FakeClock clock;
        AppFixture fx(fastAuth({{"blobs.plugin", "local"}, {"images.directUploadTtlSeconds", "60"}}), &clock);
        HttpClient http(fx.port());
        auto alice = firstUser(http);
        const std::string png = Fixtures::get().bytes("plain.png");
        auto ticket = ticketFor(http, alice, png.size());
        clock.advance(std::chrono::seconds(61));
        auto late = put(http, targetOf(ticket), png);
        CHECK(late.status == 403);
        CHECK(errorCode(late) == "expired");
        CHECK(filesUnder(fx.dataDir() + "/direct-uploads").empty());
    }
}

TEST_SUITE("upload.direct.expiry") {
    TEST_CASE("an unconfirmed upload expires: the sweep deletes its object and its row") {
        FakeClock clock;
        AppFixture fx(fastAuth({{"images.directUploadTtlSeconds", "60"}}), &clock);
        HttpClient http(fx.port());
        auto alice = firstUser(http);
        const std::string png = Fixtures::get().bytes("plain.png");
        auto ticket = ticketFor(http, alice, png.size());
        const std::string uploadId = ticket["uploadId"];
        // PUT to wherever the URL points (the server here, S3 on the _s3 twin).
        const std::string url = ticket["url"];
        const auto slash = url.find('/', 7);
        const std::string authority = url.substr(7, slash - 7);
        HttpClient target(std::stoi(authority.substr(authority.rfind(':') + 1)), "127.0.0.1");
        REQUIRE(target.request("PUT", url.substr(slash), {{"Host", authority}}, png).status == 200);
        const std::string key = "direct-uploads/" + alice.id + "/" + uploadId;
        REQUIRE(fx.app().blobs().stat(key).ok());

        clock.advance(std::chrono::seconds(30));
        std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // a poll of the job queue: not due yet
        CHECK(fx.app().blobs().stat(key).ok());
        clock.advance(std::chrono::seconds(31));
        CHECK(waitFor([&] { return !fx.app().blobs().stat(key).ok(); }, std::chrono::seconds(15)));
        auto gone = http.request("POST", "/api/assets/upload-url/" + uploadId + "/confirm", alice.auth());
        CHECK(gone.status == 404);
        CHECK(bodyOf(http.get("/api/assets/statistics", alice.auth()))["total"] == 0);
    }
}

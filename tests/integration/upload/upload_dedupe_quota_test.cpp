// The same bytes twice (one after the other, and racing), and storage quotas before and at commit.
#include <doctest/doctest.h>

#include <set>
#include <thread>

#include "app_fixture.hpp"
#include "upload_support.hpp"

using namespace obscura;
using namespace obscura::test;

namespace {

std::string rawUploadHead(const User& user, std::size_t contentLength) {
    return "POST /api/assets HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + user.access +
           "\r\nContent-Type: " + formContentType() + "\r\nContent-Length: " + std::to_string(contentLength) +
           "\r\n\r\n";
}

}  // namespace

TEST_SUITE("upload.duplicates") {
    TEST_CASE("the same bytes again from the same user: 200 duplicate with the first asset, nothing new kept") {
        AppFixture fx(fastAuth());
        HttpClient http(fx.port());
        auto alice = firstUser(http);
        auto bob = otherUser(http, alice, "bob");
        const std::string jpeg = Fixtures::get().bytes("exif.jpg");
        auto first = upload(http, alice, "a.jpg", jpeg, {{"title", "first"}});
        REQUIRE_MESSAGE(first.status == 201, first.body);
        auto again = upload(http, alice, "renamed.jpg", jpeg, {{"title", "second"}});
        REQUIRE_MESSAGE(again.status == 200, again.body);
        auto dup = bodyOf(again);
        CHECK(dup["status"] == "duplicate");
        CHECK(dup["id"] == bodyOf(first)["id"]);
        CHECK(dup["title"] == "first");
        CHECK(dup["originalFileName"] == "a.jpg");
        CHECK(blobsUnder(fx.app(), "library").size() == 1);
        CHECK(leftoverTempFiles(fx.dataDir() + "/tmp").empty());

        // Trashed is still stored: a duplicate.
        REQUIRE(http.request("DELETE", "/api/assets/" + dup["id"].get<std::string>(), alice.auth()).status == 204);
        auto trashed = upload(http, alice, "a.jpg", jpeg);
        CHECK(trashed.status == 200);
        CHECK(bodyOf(trashed)["isTrashed"] == true);

        // Another user's identical bytes are that user's own asset.
        auto theirs = upload(http, bob, "a.jpg", jpeg);
        REQUIRE_MESSAGE(theirs.status == 201, theirs.body);
        CHECK(bodyOf(theirs)["id"] != dup["id"]);
        CHECK(blobsUnder(fx.app(), "library").size() == 2);
    }

    TEST_CASE("identical uploads racing: exactly one row and one file, every answer names it") {
        AppFixture fx(fastAuth());
        HttpClient http(fx.port());
        auto alice = firstUser(http);
        const std::string body = formFile("assetData", "v.mp4", Fixtures::get().bytes("video.mp4")) + formEnd();
        constexpr int kRacers = 8;
        std::vector<HttpResponse> answers(kRacers);
        std::vector<std::thread> threads;
        for (int i = 0; i < kRacers; ++i) {
            threads.emplace_back([&, i] {
                HttpClient own(fx.port(), "127.0.0.1", std::chrono::seconds(60));
                answers[i] = postForm(own, alice, body);
            });
        }
        for (auto& t : threads) t.join();
        int created = 0;
        std::set<std::string> ids;
        for (const auto& r : answers) {
            REQUIRE_MESSAGE((r.status == 201 || r.status == 200), r.body);
            created += r.status == 201 ? 1 : 0;
            CHECK(bodyOf(r)["status"] == (r.status == 201 ? "created" : "duplicate"));
            ids.insert(bodyOf(r)["id"].get<std::string>());
        }
        CHECK(created == 1);
        CHECK(ids.size() == 1);
        CHECK(bodyOf(http.get("/api/assets/statistics", alice.auth()))["total"] == 1);
        CHECK(blobsUnder(fx.app(), "library").size() == 1);
        CHECK(leftoverTempFiles(fx.dataDir() + "/tmp").empty());
    }
}

TEST_SUITE("upload.quota") {
    TEST_CASE("an upload announced larger than the quota left is 507 before its body") {
        AppFixture fx(fastAuth());
        HttpClient http(fx.port());
        auto admin = firstUser(http);
        auto bob = otherUser(http, admin, "bob");
        setQuota(http, admin, bob, 100000);
        const std::string body =
            formFile("assetData", "big.jpg", Fixtures::get().bytes("plain.jpg") + std::string(1 << 20, '\0')) +
            formEnd();
        auto r = postForm(http, bob, body, {{"Expect", "100-continue"}});
        CHECK(r.status == 507);
        CHECK(errorCode(r) == "quota_exceeded");
        CHECK(r.interim.empty());  // the body was never invited
        CHECK(blobsUnder(fx.app(), "library").empty());
        CHECK(leftoverTempFiles(fx.dataDir() + "/tmp").empty());
    }

    TEST_CASE("a file that grows past the quota left is cut off at that point (chunked, no length known)") {
        AppFixture fx(fastAuth());
        HttpClient http(fx.port());
        auto admin = firstUser(http);
        auto bob = otherUser(http, admin, "bob");
        setQuota(http, admin, bob, 50000);
        const std::string body =
            formFile("assetData", "big.jpg", Fixtures::get().bytes("plain.jpg") + std::string(200000, '\0')) +
            formEnd();
        RawConnection raw(fx.port());
        std::string chunked = "POST /api/assets HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + bob.access +
                              "\r\nContent-Type: " + formContentType() + "\r\nTransfer-Encoding: chunked\r\n\r\n";
        for (std::size_t at = 0; at < body.size(); at += 16384) {
            const std::string piece = body.substr(at, 16384);
            char size[16];
            std::snprintf(size, sizeof size, "%zx\r\n", piece.size());
            chunked += size + piece + "\r\n";
        }
        chunked += "0\r\n\r\n";
        raw.send(chunked);
        auto r = raw.readResponse(std::chrono::seconds(10));
        REQUIRE(r);
        CHECK(r->status == 507);
        CHECK(waitFor([&] { return leftoverTempFiles(fx.dataDir() + "/tmp").empty(); }));
        CHECK(blobsUnder(fx.app(), "library").empty());
    }

    TEST_CASE("the quota is checked again at commit: an upload that fit when it started may not fit at the end") {
        AppFixture fx(fastAuth());
        HttpClient http(fx.port());
        auto admin = firstUser(http);
        auto bob = otherUser(http, admin, "bob");
        const std::string first = Fixtures::get().bytes("plain.jpg") + std::string(30000, '\1');
        const std::string second = Fixtures::get().bytes("plain.png") + std::string(30000, '\2');
        // Room for either file, not both.
        setQuota(http, admin, bob, static_cast<std::int64_t>(first.size() + second.size()) - 1000);

        // The first upload starts (its quota is checked against an empty account) and stalls half-way…
        const std::string slow = formFile("assetData", "first.jpg", first) + formEnd();
        RawConnection raw(fx.port());
        REQUIRE(raw.send(rawUploadHead(bob, slow.size()) + slow.substr(0, slow.size() / 2)));
        REQUIRE(waitFor([&] { return leftoverTempFiles(fx.dataDir() + "/tmp").size() == 1; }));
        // …while the second one completes and uses most of the quota…
        auto quick = upload(http, bob, "second.png", second);
        REQUIRE_MESSAGE(quick.status == 201, quick.body);
        // …so the first is refused when it commits, and nothing of it is kept.
        REQUIRE(raw.send(slow.substr(slow.size() / 2)));
        auto r = raw.readResponse(std::chrono::seconds(10));
        REQUIRE(r);
        CHECK(r->status == 507);
        CHECK(bodyOf(*r)["error"]["code"] == "quota_exceeded");
        CHECK(blobsUnder(fx.app(), "library/" + bob.id).size() == 1);
        CHECK(leftoverTempFiles(fx.dataDir() + "/tmp").empty());
        CHECK(bodyOf(http.get("/api/assets/statistics", bob.auth()))["total"] == 1);
    }

    TEST_CASE("a used-up quota refuses every upload before its body, even a duplicate; no quota is unlimited") {
        AppFixture fx(fastAuth());
        HttpClient http(fx.port());
        auto admin = firstUser(http);
        auto bob = otherUser(http, admin, "bob");
        const std::string png = Fixtures::get().bytes("plain.png");
        REQUIRE(upload(http, bob, "a.png", png).status == 201);
        setQuota(http, admin, bob, static_cast<std::int64_t>(png.size()));
        auto full = upload(http, bob, "b.jpg", Fixtures::get().bytes("plain.jpg"));
        CHECK(full.status == 507);
        // The body is what would tell a duplicate, and a full account's body is not read.
        CHECK(upload(http, bob, "a.png", png).status == 507);
        CHECK(upload(http, admin, "b.jpg", Fixtures::get().bytes("plain.jpg")).status == 201);
    }
}

// Immich's `sidecarData` part of POST /api/assets (DESIGN.md section 12): an XMP sidecar written by exiftool sets
// title, description, tags, rating, date and GPS over the file's own EXIF, the form's fields win over it, the
// original stays byte for byte; a malformed sidecar or a billion-laughs one is ignored with a warning and the upload
// still succeeds.
#include <doctest/doctest.h>

#include "app_fixture.hpp"
#include "library_fixtures.hpp"
#include "media_api.hpp"

using namespace obscura;
using namespace obscura::test;
using obscura::images::test::LibraryFixtures;
using obscura::images::test::LibrarySidecar;

namespace {

constexpr const char* kBoundary = "obscura-sidecar-test-5a1c";

std::string part(const std::string& name, const std::string& fileName, const std::string& bytes) {
    std::string disposition = "form-data; name=\"" + name + "\"";
    if (!fileName.empty()) disposition += "; filename=\"" + fileName + "\"";
    return std::string("--") + kBoundary + "\r\nContent-Disposition: " + disposition +
           "\r\nContent-Type: application/octet-stream\r\n\r\n" + bytes + "\r\n";
}

HttpResponse uploadWithSidecar(HttpClient& http, const MediaUser& user, const std::string& fixture,
                               const std::string& sidecar, const std::string& extraParts = "") {
    std::string body = extraParts + part("assetData", fixture, LibraryFixtures::get().bytes(fixture)) +
                       part("sidecarData", fixture + ".xmp", sidecar) + "--" + kBoundary + "--\r\n";
    HeaderList headers = user.auth();
    headers.emplace_back("Content-Type", std::string("multipart/form-data; boundary=") + kBoundary);
    return http.request("POST", "/api/assets", headers, body);
}

}  // namespace

TEST_SUITE("media.sidecars") {
    TEST_CASE("an XMP sidecar wins over the file's EXIF; the form's own fields win over the sidecar") {
        AppFixture fx(fastAuth());
        HttpClient http(fx.port());
        auto alice = mediaAdmin(http);
        const std::string xmp = LibraryFixtures::get().bytes("sidecar.xmp");

        auto r = uploadWithSidecar(http, alice, "preview.dng", xmp);
        REQUIRE_MESSAGE(r.status == 201, r.body);
        auto a = bodyOf(r);
        CHECK_FALSE(a.contains("warnings"));
        CHECK(a["title"] == LibrarySidecar::kTitle);
        CHECK(a["description"] == LibrarySidecar::kDescription);
        CHECK(a["tags"] == nlohmann::json::array({"harbour", "boats"}));
        CHECK(a["takenAt"] == LibrarySidecar::kTakenAt);  // the DNG's EXIF says 2021-07-04
        CHECK(a["exifInfo"]["rating"] == LibrarySidecar::kRating);
        CHECK(a["exifInfo"]["latitude"].get<double>() == doctest::Approx(LibrarySidecar::kLatitude));
        CHECK(a["exifInfo"]["longitude"].get<double>() == doctest::Approx(LibrarySidecar::kLongitude));
        CHECK(a["exifInfo"]["make"] == "Canon");  // what the sidecar does not say stays the file's
        const std::string id = a["id"];
        auto original = http.get("/api/assets/" + id + "/original", alice.auth());
        CHECK(original.body == LibraryFixtures::get().bytes("preview.dng"));  // never modified

        // The client's explicit fields win; tags are the union.
        auto withFields = uploadWithSidecar(http, alice, "plain.dng", xmp,
                                            part("title", "", "My own title") + part("tags", "", "mine"));
        REQUIRE_MESSAGE(withFields.status == 201, withFields.body);
        auto b = bodyOf(withFields);
        CHECK(b["title"] == "My own title");
        CHECK(b["description"] == LibrarySidecar::kDescription);
        CHECK(b["tags"] == nlohmann::json::array({"mine", "harbour", "boats"}));
    }

    TEST_CASE("a malformed or billion-laughs sidecar is ignored with a warning; the upload succeeds") {
        AppFixture fx(fastAuth());
        HttpClient http(fx.port());
        auto alice = mediaAdmin(http);

        auto cut = uploadWithSidecar(http, alice, "preview.dng", LibraryFixtures::get().bytes("malformed.xmp"));
        REQUIRE_MESSAGE(cut.status == 201, cut.body);
        auto a = bodyOf(cut);
        REQUIRE(a["warnings"].size() == 1);
        CHECK(a["warnings"][0].get<std::string>().find("malformed XML") != std::string::npos);
        CHECK(a["title"] == "");
        CHECK(a["takenAt"] == "2021-07-04T10:20:30+02:00");  // the file's EXIF, untouched by the ignored sidecar

        auto laughs = uploadWithSidecar(http, alice, "plain.tif", obscura::images::test::billionLaughsXmp());
        REQUIRE_MESSAGE(laughs.status == 201, laughs.body);
        auto b = bodyOf(laughs);
        REQUIRE(b["warnings"].size() == 1);
        CHECK(b["warnings"][0].get<std::string>().find("DOCTYPE is not allowed") != std::string::npos);
        CHECK(b["title"] == "");

        auto external = uploadWithSidecar(http, alice, "plain.dng", obscura::images::test::externalEntityXmp());
        REQUIRE_MESSAGE(external.status == 201, external.body);
        CHECK(bodyOf(external)["description"] == "");
        CHECK(http.get("/api/server/ping").status == 200);
    }
}

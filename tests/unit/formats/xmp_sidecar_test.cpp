#include "obscura/formats/xmp_sidecar.hpp"

#include <doctest/doctest.h>

#include "library_fixtures.hpp"

using namespace obscura;
using namespace obscura::formats;
using obscura::images::test::LibraryFixtures;
using obscura::images::test::LibrarySidecar;

namespace {

std::string refusal(std::string_view xml) {
    auto parsed = parseXmpSidecar(xml);
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.error().code == ErrorCode::Invalid);
    return parsed.error().message;
}

}  // namespace

TEST_SUITE("formats.xmp_sidecar") {
    TEST_CASE("a sidecar written by exiftool gives title, description, tags, rating, date and GPS") {
        auto x = parseXmpSidecar(LibraryFixtures::get().bytes("sidecar.xmp"));
        REQUIRE_MESSAGE(x.ok(), x.error().message);
        CHECK(x->title == LibrarySidecar::kTitle);
        CHECK(x->description == LibrarySidecar::kDescription);
        CHECK(x->tags == std::vector<std::string>{"harbour", "boats"});
        CHECK(x->rating == LibrarySidecar::kRating);
        CHECK(x->dateTaken == LibrarySidecar::kTakenAt);
        CHECK(x->dateTakenHasOffset);
        REQUIRE(x->latitude);
        CHECK(*x->latitude == doctest::Approx(LibrarySidecar::kLatitude).epsilon(1e-6));
        CHECK(*x->longitude == doctest::Approx(LibrarySidecar::kLongitude).epsilon(1e-6));
    }

    TEST_CASE("simple properties written as attributes of rdf:Description count too; a date without offset is local") {
        auto x = parseXmpSidecar(
            "<x:xmpmeta xmlns:x='adobe:ns:meta/'><rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'>"
            "<rdf:Description xmlns:xmp='http://ns.adobe.com/xap/1.0/' xmlns:exif='http://ns.adobe.com/exif/1.0/'"
            " xmp:Rating='5' exif:DateTimeOriginal='2020-01-02T03:04:05' exif:GPSLatitude='10,30S'"
            " exif:GPSLongitude='20,15,36E'/></rdf:RDF></x:xmpmeta>");
        REQUIRE_MESSAGE(x.ok(), x.error().message);
        CHECK(x->rating == 5);
        CHECK(x->dateTaken == "2020-01-02T03:04:05");
        CHECK_FALSE(x->dateTakenHasOffset);
        CHECK(*x->latitude == doctest::Approx(-10.5));
        CHECK(*x->longitude == doctest::Approx(20.26));
    }

    TEST_CASE("impossible values are dropped, not clamped") {
        auto x = parseXmpSidecar(
            "<x:xmpmeta xmlns:x='adobe:ns:meta/'><rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'>"
            "<rdf:Description xmlns:xmp='http://ns.adobe.com/xap/1.0/' xmlns:exif='http://ns.adobe.com/exif/1.0/'"
            " xmp:Rating='9' exif:DateTimeOriginal='2020-13-45T03:04:05' exif:GPSLatitude='95,0N'"
            " exif:GPSLongitude='20,0E'/></rdf:RDF></x:xmpmeta>");
        REQUIRE_MESSAGE(x.ok(), x.error().message);
        CHECK_FALSE(x->rating);
        CHECK_FALSE(x->dateTaken);
        CHECK_FALSE(x->latitude);
        CHECK_FALSE(x->longitude);
        CHECK(x->empty());
    }

    TEST_CASE("malformed XML is refused with the line and expat's reason") {
        const std::string message = refusal(LibraryFixtures::get().bytes("malformed.xmp"));
        CHECK_MESSAGE(message.find("malformed XML at line") != std::string::npos, message);
    }

    TEST_CASE("a billion-laughs DOCTYPE is refused before any entity is expanded") {
        const std::string xml = obscura::images::test::billionLaughsXmp();
        const std::string message = refusal(xml);
        CHECK_MESSAGE(message.find("DOCTYPE is not allowed") != std::string::npos, message);
    }

    TEST_CASE("an external entity is refused and never read") {
        const std::string message = refusal(obscura::images::test::externalEntityXmp());
        CHECK_MESSAGE(message.find("DOCTYPE is not allowed") != std::string::npos, message);
    }

    TEST_CASE("a sidecar over 1 MiB is refused unread") {
        std::string big = "<x:xmpmeta xmlns:x='adobe:ns:meta/'>" + std::string(kMaxSidecarBytes, ' ') + "</x:xmpmeta>";
        CHECK(refusal(big).find("larger than 1 MiB") != std::string::npos);
    }
}

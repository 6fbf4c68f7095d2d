// Camera RAW and TIFF by content and their EXIF through exiv2, on files made by tifffile, vips and exiftool.
#include <doctest/doctest.h>

#include "library_fixtures.hpp"
#include "media_fixtures.hpp"
#include "obscura/formats/content_sniffer.hpp"
#include "obscura/formats/image_metadata.hpp"

using namespace obscura;
using namespace obscura::formats;
using obscura::images::test::LibraryFixtures;

namespace {

const MediaType& sniffed(const std::string& fixture) {
    auto t = sniffMediaType(LibraryFixtures::get().bytes(fixture).substr(0, kSniffBytes));
    REQUIRE_MESSAGE(t.ok(), t.error().message);
    return **t;
}

}  // namespace

TEST_SUITE("formats.raw") {
    TEST_CASE("a DNG is sniffed by its DNGVersion tag and a plain TIFF stays a TIFF, whatever their names") {
        CHECK(sniffed("preview.dng").name == "dng");
        CHECK(sniffed("preview.dng").cameraRaw);
        CHECK(sniffed("preview.dng").mimeType == "image/x-adobe-dng");
        CHECK(sniffed("plain.dng").name == "dng");
        CHECK(sniffed("truncated.dng").name == "dng");
        CHECK(sniffed("plain.tif").name == "tiff");
        CHECK_FALSE(sniffed("plain.tif").cameraRaw);
    }

    TEST_CASE("a DNG's EXIF is read by exiv2: camera, lens, exposure, date with offset, GPS; size from the raw IFD") {
        const MediaType& dng = sniffed("preview.dng");
        auto meta = readImageMetadata(LibraryFixtures::get().path("preview.dng"), dng);
        REQUIRE_MESSAGE(meta.ok(), meta.error().message);
        CHECK(meta->width == 256);
        CHECK(meta->height == 192);
        CHECK(meta->exif.make == "Canon");
        CHECK(meta->exif.model == "EOS R5");
        CHECK(meta->exif.lens == "RF24-70mm F2.8 L IS USM");
        CHECK(meta->exif.fNumber == doctest::Approx(2.8));
        CHECK(meta->exif.exposureTimeText == "1/250");
        CHECK(meta->exif.iso == 400);
        CHECK(meta->exif.focalLength == doctest::Approx(50));
        CHECK(meta->exif.dateTimeOriginal == "2021-07-04T10:20:30+02:00");
        REQUIRE(meta->exif.latitude);
        CHECK(*meta->exif.latitude == doctest::Approx(-52.52));
        CHECK(*meta->exif.longitude == doctest::Approx(-13.405));
    }

    TEST_CASE("a plain TIFF has its size; a truncated DNG is still read without failing") {
        auto tiff = readImageMetadata(LibraryFixtures::get().path("plain.tif"), sniffed("plain.tif"));
        REQUIRE_MESSAGE(tiff.ok(), tiff.error().message);
        CHECK(tiff->width == 64);
        CHECK(tiff->height == 48);
        auto cut = readImageMetadata(LibraryFixtures::get().path("truncated.dng"), sniffed("truncated.dng"));
        if (cut) CHECK(cut->exif.make == "Obscura");  // what tifffile wrote; exiv2 may also refuse the cut file
    }

    TEST_CASE("TIFF-family magic numbers: ORF and RW2 by their own, CR2 by its marker, RAF and CR3 by their headers") {
        auto name = [](std::string bytes) {
            bytes += std::string(128, '\0');
            auto t = sniffMediaType(bytes);
            REQUIRE_MESSAGE(t.ok(), t.error().message);
            return std::string((*t)->name);
        };
        CHECK(name("FUJIFILMCCD-RAW 0201FF383501") == "raf");
        CHECK(name(std::string("IIRO\x08\0\0\0", 8)) == "orf");
        CHECK(name(std::string("IIU\0\x08\0\0\0", 8)) == "rw2");
        CHECK(name(std::string("II*\0\x10\0\0\0CR\x02\0", 12)) == "cr2");
        CHECK(name(std::string("\0\0\0\x18"
                               "ftypcrx \0\0\0\x01"
                               "crx isom",
                               24)) == "cr3");
    }
}

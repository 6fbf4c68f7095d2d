#include "obscura/formats/image_metadata.hpp"

#include <doctest/doctest.h>

#include "binary_builders.hpp"
#include "media_fixtures.hpp"
#include "obscura/formats/image_header.hpp"

using namespace obscura;
using namespace obscura::formats;
using namespace obscura::formats::test;
using namespace obscura::images::test;

namespace {

const MediaType& type(std::string_view name) { return *mediaTypeByName(name); }

ImageMetadata metadata(const std::string& fixture, std::string_view typeName) {
    auto m = readImageMetadata(MediaFixtures::get().path(fixture), type(typeName));
    REQUIRE_MESSAGE(m.ok(), m.error().message);
    return *m;
}

Error headerError(const std::string& bytes, std::string_view typeName) {
    obscura::test::TempDir dir;
    obscura::test::writeFile(dir / "f", bytes);
    auto h = readImageHeader(dir / "f", type(typeName));
    REQUIRE_FALSE(h.ok());
    return h.error();
}

// A HEIF file with one primary item 1 sized 64×48 and the given transform properties in association order,
// plus an Exif item stored in idat (construction method 1). `ilocOverride` replaces the iloc box; without
// `withPitm` there is no primary item.
std::string heif(const std::vector<std::string>& transforms, const std::string& exifPayload = {},
                 const std::string& ilocOverride = {}, bool withPitm = true) {
    std::string ipco = fullBox("ispe", 0, 0, be32(64) + be32(48));
    std::string assoc = std::string{char(1)};
    for (std::size_t i = 0; i < transforms.size(); ++i) {
        ipco += transforms[i];
        assoc += char(2 + i);
    }
    std::string ipma = fullBox("ipma", 0, 0, be32(1) + be16(1) + char(assoc.size()) + assoc);
    std::string infe1 = fullBox("infe", 2, 0, be16(1) + be16(0) + "hvc1" + std::string(1, '\0'));
    std::string infe2 = fullBox("infe", 2, 0, be16(2) + be16(0) + "Exif" + std::string(1, '\0'));
    std::string iinf = fullBox("iinf", 0, 0, be16(2) + infe1 + infe2);
    // iloc v1: offset/length 4 bytes, base offset 0, index 0; item 2 in idat at 0.
    std::string iloc = fullBox("iloc", 1, 0,
                               std::string{char(0x44), char(0x00)} + be16(1) + be16(2) + be16(1) + be16(0) + be16(1) +
                                   be32(0) + be32(std::uint32_t(exifPayload.size())));
    std::string children = fullBox("hdlr", 0, 0, be32(0) + "pict" + std::string(13, '\0'));
    if (withPitm) children += fullBox("pitm", 0, 0, be16(1));
    children += iinf + (ilocOverride.empty() ? iloc : ilocOverride);
    children += box("iprp", box("ipco", ipco) + ipma) + box("idat", exifPayload);
    std::string meta = fullBox("meta", 0, 0, children);
    return box("ftyp", "heic" + be32(0) + "mif1heic") + meta;
}

std::string irot(int angle) { return box("irot", std::string(1, char(angle))); }
std::string imir(int axis) { return box("imir", std::string(1, char(axis))); }

ImageHeader heifHeader(const std::string& bytes) {
    obscura::test::TempDir dir;
    obscura::test::writeFile(dir / "f.heic", bytes);
    auto h = readImageHeader(dir / "f.heic", type("heic"));
    REQUIRE_MESSAGE(h.ok(), h.error().message);
    return *h;
}

void checkWrittenExif(const ExifInfo& e) {
    CHECK(e.make == WrittenExif::kMake);
    CHECK(e.model == WrittenExif::kModel);
    CHECK(e.lens == WrittenExif::kLens);
    CHECK(e.fNumber.value_or(0) == doctest::Approx(2.8));
    CHECK(e.exposureTime.value_or(0) == doctest::Approx(0.004));
    CHECK(e.exposureTimeText == "1/250");
    CHECK(e.iso == 400);
    CHECK(e.focalLength.value_or(0) == doctest::Approx(50));
    CHECK(e.latitude.value_or(0) == doctest::Approx(WrittenExif::kLatitude).epsilon(1e-6));
    CHECK(e.longitude.value_or(0) == doctest::Approx(WrittenExif::kLongitude).epsilon(1e-6));
    CHECK(e.orientation == 6);
    CHECK(e.dateTimeOriginal == "2021-07-04T10:20:30.25+02:00");
    CHECK(e.dateTimeOriginalHasOffset);
}

}  // namespace

TEST_SUITE("images.metadata") {
    TEST_CASE("sizes of JPEG, PNG, GIF, WebP (VP8, VP8L, VP8X) and HEIC come from their headers") {
        for (auto [file, t] : std::vector<std::pair<std::string, std::string>>{{"plain.jpg", "jpeg"},
                                                                               {"plain.png", "png"},
                                                                               {"plain.gif", "gif"},
                                                                               {"plain.webp", "webp"},
                                                                               {"vp8.webp", "webp"},
                                                                               {"vp8l.webp", "webp"},
                                                                               {"plain.heic", "heic"}}) {
            CAPTURE(file);
            auto m = metadata(file, t);
            CHECK(m.width == 64);
            CHECK(m.height == 48);
            CHECK(m.storedWidth == 64);
            CHECK(m.storedHeight == 48);
            CHECK(m.orientation == 1);
            CHECK_FALSE(m.axesSwapped);
        }
    }

    TEST_CASE("EXIF written by exiftool is read from JPEG, PNG, WebP and HEIC") {
        for (auto [file, t] : std::vector<std::pair<std::string, std::string>>{
                 {"exif.jpg", "jpeg"}, {"exif.png", "png"}, {"exif.webp", "webp"}, {"exif.heic", "heic"}}) {
            CAPTURE(file);
            checkWrittenExif(metadata(file, t).exif);
        }
    }

    TEST_CASE("EXIF orientation 6 swaps the displayed size of JPEG, PNG and WebP") {
        for (auto [file, t] : std::vector<std::pair<std::string, std::string>>{
                 {"exif.jpg", "jpeg"}, {"exif.png", "png"}, {"exif.webp", "webp"}}) {
            CAPTURE(file);
            auto m = metadata(file, t);
            CHECK(m.orientation == 6);
            CHECK(m.axesSwapped);
            CHECK(m.width == 48);
            CHECK(m.height == 64);
            CHECK(m.storedWidth == 64);
        }
    }

    TEST_CASE("HEIC ignores the EXIF orientation tag: decoders apply irot/imir only") {
        auto m = metadata("exif.heic", "heic");
        CHECK(m.exif.orientation == 6);  // reported as written
        CHECK(m.orientation == 1);
        CHECK(m.width == 64);
        CHECK(m.height == 48);
    }

    TEST_CASE("without OffsetTimeOriginal the date is local time, flagged as such") {
        auto e = metadata("exif_nooffset.jpg", "jpeg").exif;
        CHECK(e.dateTimeOriginal == "2021-07-04T10:20:30.25");
        CHECK_FALSE(e.dateTimeOriginalHasOffset);
    }

    TEST_CASE("a GIF has no EXIF") { CHECK(metadata("plain.gif", "gif").exif.empty()); }

    TEST_CASE("HEIF irot and imir compose, in association order, into an EXIF orientation") {
        struct Case {
            std::vector<std::string> transforms;
            int orientation;
        };
        for (const auto& c : std::vector<Case>{{{}, 1},
                                               {{irot(1)}, 8},  // 90° anticlockwise
                                               {{irot(2)}, 3},
                                               {{irot(3)}, 6},
                                               {{imir(0)}, 2},
                                               {{imir(1)}, 4},
                                               {{irot(1), imir(0)}, 7},
                                               {{imir(0), irot(1)}, 5}}) {
            CAPTURE(c.orientation);
            auto h = heifHeader(heif(c.transforms));
            CHECK(h.width == 64);
            CHECK(h.height == 48);
            CHECK(h.containerOrientation == c.orientation);
        }
    }

    TEST_CASE("an Exif item stored in idat is found through iloc") {
        TiffBuilder t;
        t.ifd0.push_back(TiffBuilder::ascii(0x010F, "Apple"));
        std::string block = t.build();
        std::string payload = be32(6) + block;  // offset past "Exif\0\0" to the TIFF header
        auto h = heifHeader(heif({irot(3)}, payload));
        CHECK(parseExif(h.exif).make == "Apple");
    }

    TEST_CASE("corrupt image headers are unsupported media, never a crash") {
        struct Case {
            std::string bytes, type, why;
        };
        std::string jpegNoSof = std::string("\xFF\xD8\xFF\xE0\x00\x04\x00\x00\xFF\xDA\x00\x02", 12);
        std::string jpegOverrun = std::string("\xFF\xD8\xFF\xE1\xFF\xFF", 6) + "Exif";
        std::string jpegZero =
            std::string("\xFF\xD8\xFF\xC0\x00\x0B\x08\x00\x00\x00\x40\x03", 12) + std::string(8, '\0');
        std::string png = MediaFixtures::get().bytes("plain.png");
        std::string pngBad = png;
        pngBad[15] = 'X';  // IHDR → IHDX
        std::string gifZero = std::string("GIF89a\0\0\0\0", 10) + std::string(10, '\0');
        std::string webp = MediaFixtures::get().bytes("vp8.webp");
        std::string webpBad = webp;
        webpBad[23] = 0;  // VP8 start code
        std::string heic = MediaFixtures::get().bytes("plain.heic");
        for (const auto& c : std::vector<Case>{
                 {jpegNoSof, "jpeg", "before any frame header"},
                 {jpegOverrun, "jpeg", "beyond the end"},
                 {jpegZero, "jpeg", "zero width or height"},
                 {std::string("\xFF\xD8\xFF", 3), "jpeg", "beyond the end"},
                 {pngBad, "png", "not IHDR"},
                 {png.substr(0, 20), "png", "beyond the end"},
                 {gifZero, "gif", "zero width"},
                 {webpBad, "webp", "start code"},
                 {heic.substr(0, 40), "heic", "overruns"},
                 {box("ftyp", "heic" + be32(0)) + box("free", ""), "heic", "no meta box"},
                 {heif({}).replace(heif({}).find("ispe"), 4, "xxxx"), "heic", "no size"},
             }) {
            CAPTURE(c.why);
            auto e = headerError(c.bytes, c.type);
            CHECK(e.code == ErrorCode::UnsupportedMediaType);
            CHECK_MESSAGE(e.message.find(c.why) != std::string::npos, e.message);
        }
    }
}

TEST_SUITE("images.metadata.heif") {
    TEST_CASE("hostile HEIF meta boxes are refused with a reason, within bounded work") {
        std::string badSizes = fullBox("iloc", 1, 0, std::string{char(0x33), char(0x00)} + be16(0));
        // Zero-width offsets and lengths make every extent free to list: 17 items × 65535 extents.
        std::string items;
        for (int i = 0; i < 17; ++i) items += be16(std::uint16_t(10 + i)) + be16(0) + be16(0) + be16(0xFFFF);
        std::string freeExtents = fullBox("iloc", 1, 0, std::string{char(0x00), char(0x00)} + be16(17) + items);
        struct Case {
            std::string bytes, why;
        };
        for (const auto& c : std::vector<Case>{{heif({}, {}, badSizes), "field size"},
                                               {heif({}, {}, freeExtents), "too many extents"},
                                               {heif({}, {}, {}, false), "no primary item"}}) {
            CAPTURE(c.why);
            auto e = headerError(c.bytes, "heic");
            CHECK(e.code == ErrorCode::UnsupportedMediaType);
            CHECK_MESSAGE(e.message.find(c.why) != std::string::npos, e.message);
        }
        std::string huge = box("ftyp", "heic" + be32(0)) + be32(9u << 20) + "meta" + std::string((9u << 20) - 8, '\0');
        CHECK(headerError(huge, "heic").message.find("larger than 8 MiB") != std::string::npos);
    }

    TEST_CASE("an Exif item outside its file or its idat is ignored, not an error") {
        std::string iloc = fullBox("iloc", 1, 0,
                                   std::string{char(0x44), char(0x00)} + be16(1) + be16(2) + be16(0) + be16(0) +
                                       be16(1) + be32(1u << 30) + be32(100));
        auto h = heifHeader(heif({}, "payload", iloc));
        CHECK(h.exif.empty());
        CHECK(h.width == 64);
    }
}

TEST_SUITE("images.exif") {
    TEST_CASE("every truncation of a real EXIF block parses without crashing, to a subset of the fields") {
        auto h = readImageHeader(MediaFixtures::get().path("exif.jpg"), type("jpeg"));
        REQUIRE(h.ok());
        const std::string& block = h->exif;
        REQUIRE(block.size() > 100);
        for (std::size_t n = 0; n <= block.size(); ++n) {
            ExifInfo e = parseExif(std::string_view(block).substr(0, n));
            if (e.make) CHECK(*e.make == "Canon");
            if (e.iso) CHECK(*e.iso == 400);
        }
        checkWrittenExif(parseExif(block));
    }

    TEST_CASE("randomly corrupted EXIF blocks never crash") {
        auto h = readImageHeader(MediaFixtures::get().path("exif.jpg"), type("jpeg"));
        REQUIRE(h.ok());
        std::uint32_t rng = 12345;
        int withFields = 0;
        for (int i = 0; i < 3000; ++i) {
            std::string block = h->exif;
            for (int k = 0; k < 4; ++k) {
                rng = rng * 1103515245 + 12345;
                block[6 + (rng >> 8) % (block.size() - 6)] = static_cast<char>(rng >> 24);
            }
            if (!parseExif(block).empty()) ++withFields;
        }
        CHECK(withFields > 0);  // most corruptions leave something readable
    }

    TEST_CASE("an IFD that points at itself does not loop") {
        std::string tiff =
            std::string("Exif\0\0II*\0", 10) + le32(8) + le16(1) + le16(0x8769) + le16(4) + le32(1) + le32(8) + le32(8);
        CHECK(parseExif(tiff).empty());
    }

    TEST_CASE("out-of-range and placeholder values are dropped, not clamped") {
        TiffBuilder t;
        t.ifd0 = {TiffBuilder::shortValue(0x0112, 9), TiffBuilder::ascii(0x010F, "  \x01\x02  ")};
        t.exif = {TiffBuilder::ascii(0x9003, "0000:00:00 00:00:00"), TiffBuilder::rationals(0x829D, {{28, 0}}),
                  TiffBuilder::rationals(0x829A, {{0, 1}})};
        t.gps = {TiffBuilder::ascii(0x0001, "N"), TiffBuilder::rationals(0x0002, {{0, 0}, {0, 0}, {0, 0}}),
                 TiffBuilder::ascii(0x0003, "E"), TiffBuilder::rationals(0x0004, {{13, 1}, {0, 1}, {0, 1}})};
        ExifInfo e = parseExif(t.build());
        CHECK_FALSE(e.orientation);
        CHECK_FALSE(e.make);
        CHECK_FALSE(e.dateTimeOriginal);
        CHECK_FALSE(e.fNumber);
        CHECK_FALSE(e.exposureTime);
        CHECK_FALSE(e.latitude);  // half a position is no position
        CHECK_FALSE(e.longitude);
    }

    TEST_CASE("GPS, a long exposure and DateTimeDigitized as the date fallback") {
        TiffBuilder t;
        t.exif = {TiffBuilder::ascii(0x9004, "2020:02:29 23:59:59"), TiffBuilder::ascii(0x9012, "-05:30"),
                  TiffBuilder::rationals(0x829A, {{5, 2}})};
        t.gps = {TiffBuilder::ascii(0x0001, "N"), TiffBuilder::rationals(0x0002, {{48, 1}, {51, 1}, {2952, 100}}),
                 TiffBuilder::ascii(0x0003, "W"), TiffBuilder::rationals(0x0004, {{2, 1}, {17, 1}, {4020, 100}})};
        ExifInfo e = parseExif(t.build());
        CHECK(e.latitude.value_or(0) == doctest::Approx(48.8582));
        CHECK(e.longitude.value_or(0) == doctest::Approx(-2.2945));
        CHECK(e.exposureTime == 2.5);
        CHECK(e.exposureTimeText == "2.5");
        CHECK(e.dateTimeOriginal == "2020-02-29T23:59:59-05:30");
        CHECK(e.dateTimeOriginalHasOffset);
    }

    TEST_CASE("EXIF dates are validated and converted to RFC 3339") {
        bool offset = false;
        CHECK(exifDateToRfc3339("2021:07:04 10:20:30", "", "", &offset) == "2021-07-04T10:20:30");
        CHECK_FALSE(offset);
        CHECK(exifDateToRfc3339("2021:07:04 10:20:30", "123", "+02:00", &offset) == "2021-07-04T10:20:30.123+02:00");
        CHECK(offset);
        CHECK(exifDateToRfc3339("2021-07-04T10:20:30", "", "bogus", &offset) == "2021-07-04T10:20:30");
        CHECK_FALSE(offset);
        for (const char* bad :
             {"0000:00:00 00:00:00", "2021:02:30 10:00:00", "2021:13:01 10:00:00", "2019:02:29 00:00:00",
              "2021:07:04 24:00:00", "2021:07:04", "    :  :     :  :  ", "2021:07-04 10:20:30"}) {
            CAPTURE(bad);
            CHECK_FALSE(exifDateToRfc3339(bad, "", "", &offset));
        }
    }
}

#include "obscura/formats/content_sniffer.hpp"

#include <doctest/doctest.h>

#include "media_fixtures.hpp"

using namespace obscura;
using namespace obscura::formats;
using obscura::images::test::MediaFixtures;

namespace {

std::string head(const std::string& fixture) { return MediaFixtures::get().bytes(fixture).substr(0, kSniffBytes); }

std::string sniffedName(std::string_view bytes) {
    auto t = sniffMediaType(bytes);
    REQUIRE_MESSAGE(t.ok(), t.error().message);
    return std::string((*t)->name);
}

void checkRefused(std::string_view bytes, const std::string& what) {
    auto t = sniffMediaType(bytes);
    REQUIRE_FALSE(t.ok());
    CHECK(t.error().code == ErrorCode::UnsupportedMediaType);
    CHECK_MESSAGE(t.error().message.find(what) != std::string::npos, t.error().message);
}

// An ISO-BMFF ftyp box with the given major and compatible brands.
std::string ftyp(std::string major, std::vector<std::string> compatible) {
    std::string body = major + std::string("\0\0\0\0", 4);
    for (auto& b : compatible) body += b;
    std::uint32_t size = static_cast<std::uint32_t>(8 + body.size());
    std::string box = {char(size >> 24), char(size >> 16), char(size >> 8), char(size)};
    return box + "ftyp" + body + std::string(64, '\0');
}

}  // namespace

TEST_SUITE("images.sniffer") {
    TEST_CASE("real files made by vips and ffmpeg are recognised by content") {
        CHECK(sniffedName(head("plain.jpg")) == "jpeg");
        CHECK(sniffedName(head("exif.jpg")) == "jpeg");
        CHECK(sniffedName(head("plain.png")) == "png");
        CHECK(sniffedName(head("plain.webp")) == "webp");
        CHECK(sniffedName(head("vp8.webp")) == "webp");
        CHECK(sniffedName(head("vp8l.webp")) == "webp");
        CHECK(sniffedName(head("plain.gif")) == "gif");
        CHECK(sniffedName(head("plain.heic")) == "heic");
        CHECK(sniffedName(head("video.mp4")) == "mp4");
        CHECK(sniffedName(head("video.mov")) == "mov");
        CHECK(sniffedName(head("video.webm")) == "webm");
        CHECK(sniffedName(head("video.mkv")) == "mkv");
    }

    TEST_CASE("every accepted type maps to its table entry") {
        auto t = sniffMediaType(head("video.mov"));
        REQUIRE(t.ok());
        CHECK((*t)->mimeType == "video/quicktime");
        CHECK((*t)->ffmpegDemuxer == "mov");
        CHECK((*t)->type == AssetType::Video);
        CHECK((*sniffMediaType(head("video.webm")))->ffmpegDemuxer == "matroska");
    }

    TEST_CASE("AVIF and audio-only MPEG-4 made by real tools are refused; a TIFF made by vips is accepted") {
        CHECK(sniffedName(head("plain.tif")) == "tiff");  // accepted since issue 23 (DESIGN.md section 12)
        checkRefused(head("plain.avif"), "AVIF");
        checkRefused(head("audio.m4a"), "audio-only");
    }

    TEST_CASE("a tiny whole file is sniffed from what there is") {
        std::string gif = head("plain.gif");
        CHECK(sniffedName(gif.substr(0, 6)) == "gif");
        CHECK(sniffedName("\xFF\xD8\xFF") == "jpeg");
    }

    TEST_CASE("an empty file is a bad request, not an unsupported type") {
        auto t = sniffMediaType("");
        REQUIRE_FALSE(t.ok());
        CHECK(t.error().code == ErrorCode::BadRequest);
        CHECK(t.error().message == "empty file");
    }

    TEST_CASE("HEIF brands are read from major and compatible brands") {
        CHECK(sniffedName(ftyp("heic", {"mif1", "heic"})) == "heic");
        CHECK(sniffedName(ftyp("mif1", {"miaf", "heix"})) == "heic");  // codec brand only among compatible
        CHECK(sniffedName(ftyp("msf1", {"hevc"})) == "heic");
        CHECK(sniffedName(ftyp("mif1", {"miaf"})) == "heif");
        checkRefused(ftyp("mif1", {"avif", "miaf"}), "AVIF");
        checkRefused(ftyp("avis", {"msf1"}), "AVIF");
    }

    TEST_CASE("MP4 and MOV brands are told apart, with the brand list consulted for unknown majors") {
        CHECK(sniffedName(ftyp("qt  ", {"qt  "})) == "mov");
        CHECK(sniffedName(ftyp("isom", {"iso2", "avc1", "mp41"})) == "mp4");
        CHECK(sniffedName(ftyp("mp42", {})) == "mp4");
        CHECK(sniffedName(ftyp("M4V ", {"M4V ", "mp42"})) == "mp4");
        CHECK(sniffedName(ftyp("XAVC", {"iso6", "mp42"})) == "mp4");
        CHECK(sniffedName(ftyp("XYZW", {"qt  "})) == "mov");
        checkRefused(ftyp("XYZW", {"abcd"}), "unknown brand 'XYZW'");
        checkRefused(ftyp("M4A ", {"isom", "mp42"}), "audio-only");
        CHECK(sniffedName(ftyp("crx ", {"isom"})) == "cr3");  // camera RAW, accepted since issue 23
        std::string bad = ftyp("isom", {});
        bad[3] = 9;  // box size not a multiple of 4 and too small
        checkRefused(bad, "bad ftyp box");
    }

    TEST_CASE("QuickTime files without ftyp are recognised by their first atom") {
        std::string moov = std::string("\0\0\0\x10moov", 8) + std::string(64, '\0');
        CHECK(sniffedName(moov) == "mov");
        std::string wide = std::string("\0\0\0\x08wide\0\0\0\x10mdat", 16) + std::string(64, '\0');
        CHECK(sniffedName(wide) == "mov");
        std::string freeThenMoov = std::string(
                                       "\0\0\0\x08"
                                       "free\0\0\0\x10moov",
                                       16) +
                                   std::string(64, '\0');
        CHECK(sniffedName(freeThenMoov) == "mov");
        std::string freeAlone = std::string(
                                    "\0\0\0\x08"
                                    "free\0\0\0\x10junk",
                                    16) +
                                std::string(64, '\0');
        checkRefused(freeAlone, "unrecognised");
    }

    TEST_CASE("Matroska and WebM are told apart by DocType, which must be present") {
        auto ebml = [](std::string docType) {
            std::string inner = std::string("\x42\x86\x81\x01\x42\x82", 6);
            inner += static_cast<char>(0x80 | docType.size());
            inner += docType;
            std::string out("\x1A\x45\xDF\xA3", 4);
            out += static_cast<char>(0x80 | inner.size());
            return out + inner + std::string(64, '\0');
        };
        CHECK(sniffedName(ebml("webm")) == "webm");
        CHECK(sniffedName(ebml("matroska")) == "mkv");
        checkRefused(ebml("mka\x01"), "EBML file of type");
        std::string noDocType = std::string("\x1A\x45\xDF\xA3\x84\x42\x86\x81\x01", 9) + std::string(64, '\0');
        checkRefused(noDocType, "without a DocType");
        checkRefused(std::string("\x1A\x45\xDF\xA3\x00", 5), "malformed EBML");
    }

    TEST_CASE("hostile and unsupported prefixes are refused and named") {
        struct Case {
            std::string bytes, what;
        };
        std::vector<Case> cases = {
            {std::string("II*\0", 4) + std::string(60, 'x'), "TIFF"},
            {std::string("MM\0*", 4) + std::string(60, 'x'), "TIFF"},
            {std::string("II*\0\xFF\xFF\xFF\x7F", 8) + std::string(60, 'x'), "TIFF"},
            {std::string("II+\0\x08\0\0\0", 8) + std::string(60, 'x'), "BigTIFF"},
            {"%PDF-1.7\n%\xE2\xE3\xCF\xD3", "PDF"},
            {"<svg xmlns=\"http://www.w3.org/2000/svg\"></svg>", "markup"},
            {"\xEF\xBB\xBF  \r\n<?xml version=\"1.0\"?><svg/>", "markup"},
            {"\n\n   <!DOCTYPE html><html><script>alert(1)</script>", "markup"},
            {std::string("\xFF\xFE<\0s\0v\0g\0", 10), "markup"},
            {std::string("\xFE\xFF\0<\0h\0t\0m\0l", 12), "markup"},
            {"#EXTM3U\n#EXT-X-VERSION:3\nfile:///etc/passwd\n", "HLS playlist"},
            {"\xEF\xBB\xBF#EXTM3U\n", "HLS playlist"},
            {"ffconcat version 1.0\nfile '/etc/passwd'\n", "ffconcat"},
            {"just some text, not an image\n", "text"},
            {std::string("RIFF\x24\0\0\0WAVEfmt ", 16), "RIFF file of type 'WAVE'"},
            {std::string("RIFF\x24\0\0\0WEBPJUNK", 16) + std::string(60, 'x'), "WebP without an image chunk"},
            {std::string("\x89PNG\r\n\x1A\n\0\0\0\x0DJUNK", 16), "unrecognised"},
            {"GIF88a", "text"},
            {"BM\x01\x02\x03\x04\x05", "unrecognised"},
            {std::string("\x00\x01\x02\x03\x04", 5), "unrecognised"},
            {"PK\x03\x04zip", "archive"},
            {"\x7F"
             "ELF\x02\x01",
             "executable"},
        };
        for (const auto& c : cases) {
            CAPTURE(c.bytes);
            checkRefused(c.bytes, c.what);
        }
    }
}

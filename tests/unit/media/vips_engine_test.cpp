// The libvips adapter against real files made by vips, ffmpeg and exiftool, checked with vipsheader, vips getpoint
// and exiftool.
#include "vips_engine.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <fstream>
#include <set>

#include "media_fixtures.hpp"
#include "test_support.hpp"

using namespace obscura::media;
using namespace obscura::media::test;

namespace {

const obscura::test::TempDir& dir() {
    static obscura::test::TempDir d;
    return d;
}

std::string path(const std::string& name) { return dir() / name; }

std::string cameraJpeg(const std::string& upright, int o, const std::string& name) {
    return obscura::media::test::cameraJpeg(upright, o, dir().path(), name);
}

DerivativeSizes derive(const std::string& original, ImageKind kind, const std::string& name) {
    VipsEngine engine;
    auto r = engine.makePreviewAndThumbnail(original, kind, path(name + ".preview.jpg"), path(name + ".thumb.webp"));
    REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error().message));
    return *r;
}

void checkSrgbOutputs(const std::string& name) {
    auto preview = header(path(name + ".preview.jpg"));
    CHECK(preview["vips-loader"] == "jpegload");
    CHECK(preview["bands"] == "3");
    CHECK(preview["interpretation"] == "srgb");
    CHECK(preview["format"] == "uchar");
    CHECK(header(path(name + ".thumb.webp"))["vips-loader"] == "webpload");
}

// Shared upright inputs, made on first use so each test case also runs alone.
std::string card1600() {
    static const std::string card = [] {
        writeMarkedCard(path("card-1600.ppm"), 1600, 1200, 200);
        return path("card-1600.ppm");
    }();
    return card;
}

std::string alphaPng() {
    static const std::string png = [] {
        tool({"vips", "bandjoin_const", card1600(), path("alpha.png"), "128"});
        return path("alpha.png");
    }();
    return png;
}

const std::set<std::string> kHarmlessGroups = {"ExifTool", "System", "File", "JFIF", "Composite", "RIFF"};

}  // namespace

TEST_SUITE("media.vips_engine") {
    TEST_CASE("every EXIF orientation (1-8) ends upright: the marked corners land top-left and top-right") {
        std::string card = path("card-3200.ppm");
        writeMarkedCard(card, 3200, 2400, 400);
        for (int o = 1; o <= 8; ++o) {
            CAPTURE(o);
            std::string name = "orient" + std::to_string(o);
            std::string original = cameraJpeg(card, o, name);
            REQUIRE(tool({"exiftool", "-s3", "-n", "-Orientation", original}) == std::to_string(o) + "\n");
            auto sizes = derive(original, ImageKind::Jpeg, name);
            CHECK(sizes.original == Size{3200, 2400});
            CHECK(sizes.preview == Size{1440, 1080});
            CHECK(sizes.thumbnail == Size{333, 250});
            std::string preview = path(name + ".preview.jpg"), thumb = path(name + ".thumb.webp");
            CHECK(intField(preview, "width") == 1440);
            CHECK(intField(preview, "height") == 1080);
            CHECK(isRed(pixel(preview, 90, 90)));
            CHECK(isGreen(pixel(preview, 1350, 90)));
            CHECK(isGrey(pixel(preview, 90, 990)));
            CHECK(isGrey(pixel(preview, 1350, 990)));
            CHECK(intField(thumb, "width") == 333);
            CHECK(intField(thumb, "height") == 250);
            CHECK(isRed(pixel(thumb, 20, 20)));
            CHECK(isGreen(pixel(thumb, 312, 20)));
            CHECK(isGrey(pixel(thumb, 20, 230)));
            checkSrgbOutputs(name);
        }
    }

    TEST_CASE("no EXIF, GPS, XMP or ICC profile survives into the outputs") {
        std::string original = cameraJpeg(card1600(), 6, "meta-src");
        auto before = metadataGroups(original);
        std::set<std::string> had(before.begin(), before.end());
        REQUIRE(had.count("GPS") == 1);  // the fixture really carries what must go
        REQUIRE(had.count("IFD0") == 1);
        REQUIRE(had.count("XMP-dc") == 1);
        derive(original, ImageKind::Jpeg, "meta");
        // A CMYK JPEG whose ICC profile libvips embedded when converting.
        tool({"vips", "colourspace", card1600(), path("meta-cmyk.v"), "cmyk"});
        tool({"vips", "jpegsave", path("meta-cmyk.v"), path("meta-icc.jpg")});
        auto iccGroups = metadataGroups(path("meta-icc.jpg"));
        REQUIRE(std::set<std::string>(iccGroups.begin(), iccGroups.end()).count("ICC_Profile") == 1);
        derive(path("meta-icc.jpg"), ImageKind::Jpeg, "meta-icc");
        for (const auto* out : {"meta.preview.jpg", "meta.thumb.webp", "meta-icc.preview.jpg", "meta-icc.thumb.webp"}) {
            for (const auto& group : metadataGroups(path(out))) {
                CHECK_MESSAGE(kHarmlessGroups.count(group) == 1, out << " still has " << group << " metadata");
            }
        }
    }

    TEST_CASE("sizes: preview fits 1440x1440, thumbnail 250 on the shorter side and at most 1000 on the longer") {
        struct Case {
            int w, h;
            const char* ext;
            Size preview, thumb;
        };
        const Case cases[] = {
            {4000, 3000, "jpg", {1440, 1080}, {333, 250}},
            {6000, 4000, "jpg", {1440, 960}, {375, 250}},  // JPEG shrink-on-load by 2
            {300, 4000, "png", {108, 1440}, {75, 1000}},
            {4000, 300, "png", {1440, 108}, {1000, 75}},
            {200, 150, "png", {200, 150}, {200, 150}},  // small pictures are never enlarged
        };
        for (const auto& c : cases) {
            std::string name = "size" + std::to_string(c.w) + "x" + std::to_string(c.h);
            std::string nameText = name;
            CAPTURE(nameText);
            tool({"vips", "black", path(name + ".v"), std::to_string(c.w), std::to_string(c.h), "--bands", "3"});
            std::string original = path(name + "." + c.ext);
            tool({"vips", "linear", path(name + ".v"), original, "1", "100", "--uchar"});
            auto sizes = derive(original, c.ext[0] == 'j' ? ImageKind::Jpeg : ImageKind::Png, name);
            CHECK(sizes.preview == c.preview);
            CHECK(sizes.thumbnail == c.thumb);
            CHECK(intField(path(name + ".preview.jpg"), "width") == c.preview.width);
            CHECK(intField(path(name + ".preview.jpg"), "height") == c.preview.height);
            CHECK(intField(path(name + ".thumb.webp"), "width") == c.thumb.width);
            CHECK(intField(path(name + ".thumb.webp"), "height") == c.thumb.height);
        }
    }

    TEST_CASE("formats: PNG, 16-bit PNG, CMYK JPEG, progressive JPEG, WebP and HEIC become sRGB outputs") {
        std::string card = card1600();
        tool({"vips", "copy", card, path("f.png")});
        tool({"vips", "colourspace", card, path("f16.png"), "rgb16"});
        tool({"vips", "colourspace", card, path("fcmyk.v"), "cmyk"});
        tool({"vips", "jpegsave", path("fcmyk.v"), path("fcmyk.jpg"), "--strip"});  // no profile: the hard case
        tool({"vips", "jpegsave", card, path("fprog.jpg"), "--interlace"});
        tool({"vips", "webpsave", card, path("f.webp")});
        tool({"vips", "heifsave", card, path("f.heic")});
        REQUIRE(header(path("f16.png"))["format"] == "ushort");
        REQUIRE(header(path("fcmyk.jpg"))["interpretation"] == "cmyk");
        REQUIRE(header(path("fcmyk.jpg")).count("icc-profile-data") == 0);
        REQUIRE(header(path("fprog.jpg"))["jpeg-multiscan"] == "1");
        REQUIRE(header(path("f.heic"))["vips-loader"] == "heifload");
        const std::pair<const char*, ImageKind> cases[] = {
            {"f.png", ImageKind::Png},      {"f16.png", ImageKind::Png}, {"fcmyk.jpg", ImageKind::Jpeg},
            {"fprog.jpg", ImageKind::Jpeg}, {"f.webp", ImageKind::Webp}, {"f.heic", ImageKind::Heic},
        };
        for (const auto& [file, kind] : cases) {
            std::string shown = file;
            CAPTURE(shown);
            std::string name = std::string(file) + ".out";
            auto sizes = derive(path(file), kind, name);
            CHECK(sizes.preview == Size{1440, 1080});
            CHECK(sizes.thumbnail == Size{333, 250});
            checkSrgbOutputs(name);
            std::string preview = path(name + ".preview.jpg");
            CHECK(isRed(pixel(preview, 60, 60)));
            CHECK(isGrey(pixel(preview, 720, 700)));  // a 16-bit image cast instead of converted would be white
            // The top-right marker as libvips' own CLI converts the original to sRGB (pure green is outside the
            // CMYK gamut, so there it comes back yellow-green from any conversion).
            tool({"vips", "colourspace", path(file), path("ref.v"), "srgb"});
            auto expected = pixel(path("ref.v"), 1533, 66), got = pixel(preview, 1380, 60);
            REQUIRE(got.size() == 3);
            for (int band = 0; band < 3; ++band) CHECK(std::abs(got[band] - expected[band]) < 16);
            if (std::string(file) != "fcmyk.jpg") CHECK(isGreen(got));
        }
    }

    TEST_CASE("alpha is flattened onto white for the JPEG preview and kept in the WebP thumbnail") {
        REQUIRE(intField(alphaPng(), "bands") == 4);
        derive(alphaPng(), ImageKind::Png, "alpha");
        auto flat = pixel(path("alpha.preview.jpg"), 720, 700);  // grey 128 at half opacity over white
        REQUIRE(flat.size() == 3);
        CHECK(flat[0] == doctest::Approx(191).epsilon(0.04));
        auto thumb = pixel(path("alpha.thumb.webp"), 166, 160);
        REQUIRE(thumb.size() == 4);
        CHECK(thumb[3] == doctest::Approx(128).epsilon(0.05));
    }

    TEST_CASE("the hashes made with a thumbnail equal the backfill's hashes of the stored WebP, alpha or not") {
        // The engine decodes its fresh WebP with libwebp directly; the backfill (hashThumbnail) reads the stored file
        // with libvips' loader. Same pixels, same hashes — or duplicates found at upload and by the backfill differ.
        tool({"vips", "gaussnoise", path("noise.v"), "900", "600", "--sigma", "60", "--mean", "128"});
        tool({"vips", "cast", path("noise.v"), path("noise.jpg[Q=90]"), "uchar"});
        tool({"vips", "bandjoin_const", path("noise.jpg"), path("noise-alpha.png"), "200"});
        VipsEngine engine;
        for (auto [file, kind] :
             {std::pair{path("noise.jpg"), ImageKind::Jpeg}, std::pair{path("noise-alpha.png"), ImageKind::Png}}) {
            CAPTURE(file);
            auto made = engine.makePreviewAndThumbnail(file, kind, path("h.preview.jpg"), path("h.thumb.webp"));
            REQUIRE(made.ok());
            auto stored = engine.hashThumbnail(path("h.thumb.webp"));
            REQUIRE(stored.ok());
            CHECK(made->hashes.dct == stored->dct);
            CHECK(made->hashes.diff == stored->diff);
            CHECK(made->hashes.dct != 0);
        }
    }

    TEST_CASE("animated GIF and WebP: the first frame only") {
        tool({"ffmpeg",
              "-nostdin",
              "-loglevel",
              "error",
              "-y",
              "-f",
              "lavfi",
              "-i",
              "color=c=red:s=320x240:r=2:d=1",
              "-f",
              "lavfi",
              "-i",
              "color=c=blue:s=320x240:r=2:d=1",
              "-filter_complex",
              "[0][1]concat=n=2:v=1:a=0",
              "-pix_fmt",
              "rgb8",
              "-loop",
              "0",
              path("anim.gif")});
        tool({"vips", "copy", path("anim.gif") + "[n=-1]", path("anim.webp")});
        for (const auto* file : {"anim.gif", "anim.webp"}) {
            std::string shown = file;
            CAPTURE(shown);
            int pages = intField(path(file), "n-pages");  // ffmpeg merges repeated frames: 2 or more
            REQUIRE(pages >= 2);
            REQUIRE(isBlue(pixel(path(file) + "[page=" + std::to_string(pages - 1) + "]", 10, 10)));
            auto sizes = derive(path(file), file[5] == 'g' ? ImageKind::Gif : ImageKind::Webp, file);
            CHECK(sizes.preview == Size{320, 240});  // one frame, not the whole strip of pages
            CHECK(isRed(pixel(path(std::string(file) + ".preview.jpg"), 160, 120)));
            CHECK(isRed(pixel(path(std::string(file) + ".thumb.webp"), 160, 120)));
        }
    }

    TEST_CASE("the avatar is a 256x256 WebP centre crop, orientation applied") {
        // Upright: left half red, right half green; stored rotated with orientation 6.
        writePpm(path("halves.ppm"), 1600, 1200, [](int x, int) -> Rgb {
            return x < 800 ? Rgb{255, 0, 0} : Rgb{0, 255, 0};
        });
        std::string original = cameraJpeg(path("halves.ppm"), 6, "halves");
        VipsEngine engine;
        auto r = engine.makeAvatar(original, ImageKind::Jpeg, path("avatar.webp"));
        REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error().message));
        CHECK(*r == Size{256, 256});
        CHECK(header(path("avatar.webp"))["vips-loader"] == "webpload");
        CHECK(intField(path("avatar.webp"), "width") == 256);
        CHECK(intField(path("avatar.webp"), "height") == 256);
        CHECK(isRed(pixel(path("avatar.webp"), 40, 128)));
        CHECK(isGreen(pixel(path("avatar.webp"), 215, 128)));
        tool({"vips", "black", path("tall.v"), "300", "4000", "--bands", "3"});
        tool({"vips", "linear", path("tall.v"), path("tall.png"), "1", "100", "--uchar"});
        auto tall = engine.makeAvatar(path("tall.png"), ImageKind::Png, path("avatar-tall.webp"));
        REQUIRE(tall.ok());
        CHECK(*tall == Size{256, 256});
        CHECK(intField(path("avatar-tall.webp"), "height") == 256);
    }

    TEST_CASE("full-size conversions to JPEG and WebP: upright, sRGB, no metadata") {
        std::string original = cameraJpeg(card1600(), 6, "conv-src");
        VipsEngine engine;
        for (auto [format, file] :
             {std::pair{OutputFormat::Jpeg, "conv.jpg"}, std::pair{OutputFormat::Webp, "conv.webp"}}) {
            std::string shown = file;
            CAPTURE(shown);
            auto r = engine.convert(original, ImageKind::Jpeg, format, path(file));
            REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error().message));
            int w = intField(path(file), "width"), h = intField(path(file), "height");
            CHECK(*r == Size{w, h});
            CHECK(w > h);  // upright landscape, though stored portrait
            CHECK(isRed(pixel(path(file), w / 32, h / 24)));
            CHECK(isGreen(pixel(path(file), w - w / 32, h / 24)));
            for (const auto& group : metadataGroups(path(file))) CHECK(kHarmlessGroups.count(group) == 1);
        }
        auto flat = engine.convert(alphaPng(), ImageKind::Png, OutputFormat::Jpeg, path("alpha-conv.jpg"));
        REQUIRE(flat.ok());
        CHECK(intField(path("alpha-conv.jpg"), "bands") == 3);
    }

    TEST_CASE("the loader is ours: content that libvips reads with another loader is refused") {
        tool({"vips", "copy", card1600(), path("really.png")});
        VipsEngine engine;
        auto asJpeg =
            engine.makePreviewAndThumbnail(path("really.png"), ImageKind::Jpeg, path("x.jpg"), path("x.webp"));
        REQUIRE_FALSE(asJpeg.ok());
        CHECK(asJpeg.error().code == obscura::ErrorCode::Invalid);
        CHECK(asJpeg.error().reason == "format_mismatch");
        CHECK(asJpeg.error().message.find("pngload") != std::string::npos);

        // A real MATLAB file (libvips' matload reads it when asked) handed over as a PNG.
        writeMatFile(path("data.mat"), "");
        tool({"vips", "matload", path("data.mat"), path("data.v")});
        REQUIRE(intField(path("data.v"), "width") == 2);
        auto mat = engine.makePreviewAndThumbnail(path("data.mat"), ImageKind::Png, path("m.jpg"), path("m.webp"));
        REQUIRE_FALSE(mat.ok());
        CHECK(mat.error().code == obscura::ErrorCode::Invalid);
        CHECK(mat.error().message.find("matload") != std::string::npos);

        // The same MAT file whose header text starts with the PNG signature: it passes a PNG sniff, and matload
        // still reads it, but it is opened as a PNG only, which it is not.
        writeMatFile(path("polyglot.png"), std::string("\x89PNG\r\n\x1a\n", 8));
        tool({"vips", "matload", path("polyglot.png"), path("polyglot.v")});
        auto poly = engine.makePreviewAndThumbnail(path("polyglot.png"), ImageKind::Png, path("p.jpg"), path("p.webp"));
        REQUIRE_FALSE(poly.ok());
        CHECK(poly.error().code == obscura::ErrorCode::Invalid);
        MESSAGE("polyglot refused: " << poly.error().message);
        CHECK_FALSE(std::ifstream(path("p.jpg")).good());  // nothing half-written
    }

    TEST_CASE("a routing mistake is Internal, not the user's fault") {
        auto video = imageKindFromName("mp4");
        REQUIRE_FALSE(video.ok());
        CHECK(video.error().code == obscura::ErrorCode::Internal);
        CHECK(*imageKindFromName("heic") == ImageKind::Heic);
    }
}

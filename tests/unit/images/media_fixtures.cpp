#include "media_fixtures.hpp"

#include <stdexcept>
#include <vector>

namespace obscura::images::test {
namespace {

void tool(const std::vector<std::string>& argv, const std::string& workDir) {
    auto r = obscura::test::run(argv, {}, workDir, std::chrono::seconds(120));
    if (r.exitCode != 0) {
        throw std::runtime_error("fixture tool failed: " + argv[0] + " " + (argv.size() > 1 ? argv[1] : "") + ": " +
                                 r.err);
    }
}

std::vector<std::string> exifArgs(const std::string& file, bool withOffset) {
    std::vector<std::string> a = {"exiftool",
                                  "-q",
                                  "-q",
                                  "-overwrite_original",
                                  "-EXIF:Make=Canon",
                                  "-EXIF:Model=EOS R5",
                                  "-EXIF:LensModel=RF24-70mm F2.8 L IS USM",
                                  "-EXIF:FNumber=2.8",
                                  "-EXIF:ExposureTime=1/250",
                                  "-EXIF:ISO=400",
                                  "-EXIF:FocalLength=50",
                                  "-EXIF:GPSLatitude=52.52",
                                  "-EXIF:GPSLatitudeRef=S",
                                  "-EXIF:GPSLongitude=13.405",
                                  "-EXIF:GPSLongitudeRef=W",
                                  "-EXIF:Orientation#=6",
                                  "-EXIF:DateTimeOriginal=2021:07:04 10:20:30",
                                  "-EXIF:SubSecTimeOriginal=25"};
    if (withOffset) a.push_back("-EXIF:OffsetTimeOriginal=+02:00");
    a.push_back(file);
    return a;
}

}  // namespace

const MediaFixtures& MediaFixtures::get() {
    static const MediaFixtures fixtures;
    return fixtures;
}

std::string MediaFixtures::bytes(const std::string& name) const { return obscura::test::readFile(path(name)); }

MediaFixtures::MediaFixtures() {
    const std::string& d = dir_.path();
    // 64×48 sRGB noise, so encoders produce ordinary data rather than a constant (and no alpha channel, which
    // would turn every WebP into the extended format).
    tool({"vips", "gaussnoise", "noise.v", "64", "48"}, d);
    tool({"vips", "bandjoin", "noise.v noise.v noise.v", "rgb.v"}, d);
    tool({"vips", "cast", "rgb.v", "rgb8.v", "uchar"}, d);
    tool({"vips", "copy", "rgb8.v", "base8.v", "--interpretation", "srgb"}, d);
    for (const char* out : {"plain.jpg", "plain.png", "plain.gif", "plain.tif", "plain.webp"}) {
        tool({"vips", "copy", "base8.v", out}, d);
    }
    tool({"vips", "heifsave", "base8.v", "plain.heic"}, d);
    tool({"vips", "heifsave", "base8.v", "plain.avif", "--compression", "av1"}, d);
    for (const char* ext : {"jpg", "png", "webp", "heic"}) {
        std::string target = std::string("exif.") + ext;
        tool({"cp", std::string("plain.") + ext, target}, d);
        tool(exifArgs(target, true), d);
    }
    tool({"cp", "plain.jpg", "exif_nooffset.jpg"}, d);
    tool(exifArgs("exif_nooffset.jpg", false), d);

    const std::vector<std::string> ff = {"ffmpeg", "-hide_banner", "-loglevel", "error", "-y"};
    auto ffmpeg = [&](std::vector<std::string> args) {
        std::vector<std::string> a = ff;
        a.insert(a.end(), args.begin(), args.end());
        tool(a, d);
    };
    const std::vector<std::string> src = {"-f", "lavfi", "-i",       "testsrc=size=64x48:rate=10",
                                          "-t", "1",     "-pix_fmt", "yuv420p"};
    auto with = [&](std::vector<std::string> extra) {
        std::vector<std::string> a = src;
        a.insert(a.end(), extra.begin(), extra.end());
        return a;
    };
    // Simple-format WebP (one VP8 or VP8L chunk, no VP8X), which vips does not write.
    ffmpeg({"-i", "plain.png", "-c:v", "libwebp", "vp8.webp"});
    ffmpeg({"-i", "plain.png", "-c:v", "libwebp", "-lossless", "1", "vp8l.webp"});
    ffmpeg(with({"-c:v", "libx264", "video.mp4"}));
    ffmpeg({"-f",        "lavfi",
            "-i",        "testsrc=size=64x48:rate=10",
            "-f",        "lavfi",
            "-i",        "sine=frequency=440",
            "-t",        "1",
            "-pix_fmt",  "yuv420p",
            "-c:v",      "libx264",
            "-c:a",      "aac",
            "-metadata", "creation_time=2021-07-04T08:20:30Z",
            "-metadata", "location=+52.5200+013.4050/",
            "video.mov"});
    ffmpeg(with({"-c:v", "libvpx", "video.webm"}));
    ffmpeg(with({"-c:v", "libx264", "video.mkv"}));
    ffmpeg({"-i", "video.mp4", "-c", "copy", "-metadata:s:v:0", "rotate=90", "rotated.mp4"});
    ffmpeg({"-f", "lavfi", "-i", "sine=frequency=440", "-t", "1", "-c:a", "aac", "audio.m4a"});
    // The first half of an MP4 whose moov box comes last: ftyp intact, index missing.
    std::string mp4 = bytes("video.mp4");
    obscura::test::writeFile(path("truncated.mp4"), mp4.substr(0, mp4.size() / 2));
}

}  // namespace obscura::images::test

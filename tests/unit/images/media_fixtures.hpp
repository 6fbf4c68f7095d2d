#pragma once
// Real image and video files made by real tools (vips, ffmpeg, exiftool) once per test binary, in a temp dir.
#include <string>

#include "test_support.hpp"

namespace obscura::images::test {

// The EXIF values written into the *_exif fixtures by exiftool.
struct WrittenExif {
    static constexpr const char* kMake = "Canon";
    static constexpr const char* kModel = "EOS R5";
    static constexpr const char* kLens = "RF24-70mm F2.8 L IS USM";
    static constexpr double kLatitude = -52.52;    // written as 52.52 S
    static constexpr double kLongitude = -13.405;  // written as 13.405 W
};

class MediaFixtures {
public:
    // Built on first use; throws (failing the test) with the tool's stderr when a tool fails.
    static const MediaFixtures& get();
    // Absolute path of a fixture by file name: "plain.jpg", "exif.jpg", "exif_nooffset.jpg", "plain.png",
    // "exif.png", "plain.webp" (VP8X), "exif.webp", "vp8.webp", "vp8l.webp", "plain.gif", "plain.heic", "exif.heic",
    // "plain.avif", "plain.tif", "video.mp4", "video.mov" (audio, creation_time, location), "video.webm",
    // "video.mkv", "rotated.mp4", "audio.m4a", "truncated.mp4".
    std::string path(const std::string& name) const { return dir_.path() + "/" + name; }
    std::string bytes(const std::string& name) const;

private:
    MediaFixtures();
    obscura::test::TempDir dir_;
};

}  // namespace obscura::images::test
